/* lazy fork and a file: the parent reads a cached file mapped shared, so
 * fork copies none of its entries; the child's reads fault, fault-around
 * maps 16 pages a fault, and the pages are shared by both (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    int fd = kc_cached_file(&k);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    kc_touch(&k, 0);
    kc_child_touches(&k, 0);
    return 0;
}
