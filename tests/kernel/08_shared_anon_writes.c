/* shared anonymous memory written page by page: one fault each, no
 * fault-around for writes (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_SHARED, -1);
    kc_begin(&k);
    kc_touch(&k, 1);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
