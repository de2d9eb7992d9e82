/* fault-around: reading cached pages of a file through a private mapping:
 * each read fault maps the cached pages of its 16-page window too
 * (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    int fd = kc_cached_file(&k); /* written: every page in the page cache */
    kc_map(&k, PROT_READ, MAP_PRIVATE, fd);
    kc_begin(&k);
    kc_touch(&k, 0);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
