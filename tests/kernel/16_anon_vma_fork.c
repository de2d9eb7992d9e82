/* lazy fork and anon_vma: a mapping that had an anonymous page and lost it
 * (the page's part was unmapped) still has its anon_vma, so fork copies
 * its entries (here the zero page's) and the child's reads take no fault
 * (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    if (k.n) {
        k.n++;
        char *m = kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
        if (!m)
            kc_skip("mmap");
        m[0] = 1; /* an anonymous page: the mapping gets its anon_vma */
        if (munmap(m, k.page))
            kc_skip("munmap");
        k.map += k.page;
        k.n--;
    }
    kc_touch(&k, 0); /* the zero page */
    kc_child_touches(&k, 0);
    return 0;
}
