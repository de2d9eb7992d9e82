/* fork, the child exits and is reaped, the parent writes: every frame
 * reused, none copied (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 1);
    pid_t pid = kc_fork();
    if (pid == 0)
        _exit(0);
    kc_reap(pid);
    kc_begin(&k);
    kc_touch(&k, 1);
    kc_end(&k);
    kc_report(&k);
    return 0;
}
