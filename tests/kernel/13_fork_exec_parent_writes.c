/* fork before exec: the child execs, so the parent is the last user of
 * its frames again and reuses them (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    if (argc > 2) /* the child, exec'd: it only exits */
        return 0;
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 1);
    pid_t pid = kc_fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "0", "exit", (char *)NULL);
        _exit(127);
    }
    kc_reap(pid);
    kc_begin(&k);
    kc_touch(&k, 1);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
