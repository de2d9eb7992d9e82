/* a private file mapping written before fork has anonymous pages, so its
 * anon_vma: fork copies its entries and the child's reads take no fault
 * (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    int fd = kc_cached_file(&k);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    kc_touch(&k, 1);
    kc_child_touches(&k, 0);
    return 0;
}
