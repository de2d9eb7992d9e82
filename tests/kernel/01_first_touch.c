/* first touch: a private anonymous mapping written page by page (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_begin(&k);
    kc_touch(&k, 1);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
