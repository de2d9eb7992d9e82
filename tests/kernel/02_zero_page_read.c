/* zero page: untouched private anonymous pages read: the zero page, no frame (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_begin(&k);
    kc_touch(&k, 0);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
