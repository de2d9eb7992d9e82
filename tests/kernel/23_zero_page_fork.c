/* lazy fork and the zero page: a mapping that was only read maps the zero
 * page and has no anon_vma, so fork copies none of its entries and the
 * child's reads fault again (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 0); /* the zero page */
    kc_child_touches(&k, 0);
    return 0;
}
