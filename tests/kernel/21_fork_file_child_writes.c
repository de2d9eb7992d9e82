/* lazy fork and a file: the parent reads a cached file mapped private and
 * writable (only file pages: the mapping has no anon_vma), so fork copies
 * none of its entries; the child's writes each fault and copy the cache
 * page (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    int fd = kc_cached_file(&k);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    kc_touch(&k, 0);
    kc_child_touches(&k, 1);
    return 0;
}
