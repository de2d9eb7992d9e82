/* a write to each page of a cached file mapped private and writable, not
 * read before: each write fault copies the cache page into a new anonymous
 * page at once (no fault-around: it is a write) (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    int fd = kc_cached_file(&k);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    kc_begin(&k);
    kc_touch(&k, 1);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
