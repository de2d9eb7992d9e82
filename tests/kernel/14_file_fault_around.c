/* fault-around: reading cached pages of a file through a private mapping:
 * each read fault maps the cached pages of its 16-page window too
 * (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    int fd = -1;
    if (k.n) {
        const char *dir = getenv("TMPDIR");
        char path[4096];
        snprintf(path, sizeof path, "%s/vmsim-kernel-check-XXXXXX", dir && *dir ? dir : "/tmp");
        fd = mkstemp(path);
        if (fd < 0)
            kc_skip("a temporary file");
        unlink(path);
        char *buf = malloc(k.page);
        if (!buf)
            kc_skip("memory");
        memset(buf, 'x', k.page);
        for (long i = 0; i < k.n; i++) /* written: every page in the page cache */
            if (write(fd, buf, k.page) != (ssize_t)k.page)
                kc_skip("writing the temporary file");
        free(buf);
    }
    kc_map(&k, PROT_READ, MAP_PRIVATE, fd);
    kc_begin(&k);
    kc_touch(&k, 0);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
