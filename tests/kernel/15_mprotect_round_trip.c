/* mprotect read-only and back to read-write, no fork anywhere: the pages
 * are exclusive, so the writes after take no fault (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 1);
    if (k.map && (mprotect(k.map, (size_t)k.n * k.page, PROT_READ) ||
                  mprotect(k.map, (size_t)k.n * k.page, PROT_READ | PROT_WRITE)))
        kc_skip("mprotect");
    kc_begin(&k);
    kc_touch(&k, 1);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
