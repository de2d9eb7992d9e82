/* a cached file mapped private and writable, read first (fault-around
 * maps the pages read-only), then written: each write is a fault that
 * copies the cache page, and the page's frame changes (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    int fd = kc_cached_file(&k);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    kc_touch(&k, 0);
    kc_begin(&k);
    kc_touch(&k, 1);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
