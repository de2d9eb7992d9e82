/* Pss after the child wrote half the pages: the parent's half alone
 * counts whole, the other half half (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    int go[2], done[2];
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 1);
    kc_pipe(go);
    kc_pipe(done);
    pid_t pid = kc_fork();
    if (pid == 0) {
        k.n /= 2;
        kc_touch(&k, 1);
        kc_signal(done[1]);
        kc_wait_signal(go[0]);
        _exit(0);
    }
    kc_wait_signal(done[0]);
    kc_begin(&k);
    kc_end(&k);
    kc_report(&k);
    kc_signal(go[1]);
    kc_reap(pid);
    return 0;
}
