/* subreaper: a process marked with prctl(PR_SET_CHILD_SUBREAPER) adopts
 * the orphans below it, not process 1 (docs/linux.md). Prints "reaper 1"
 * when the orphan's new parent is the subreaper. */
#include "kc.h"

#include <sys/prctl.h>

int main(int argc, char **argv)
{
    struct kc k;
    int up[2];
    kc_init(&k, argc, argv);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
        kc_skip("prctl(PR_SET_CHILD_SUBREAPER)");
    kc_pipe(up);
    pid_t a = kc_fork();
    if (a == 0) {
        pid_t self = getpid();
        pid_t b = kc_fork();
        if (b == 0) {
            struct timespec ms = {0, 1000000};
            while (getppid() == self) /* until its parent is gone */
                nanosleep(&ms, NULL);
            pid_t pp = getppid();
            if (write(up[1], &pp, sizeof pp) != (ssize_t)sizeof pp)
                _exit(2);
            _exit(0);
        }
        _exit(0);
    }
    kc_reap(a);
    pid_t pp = 0;
    if (read(up[0], &pp, sizeof pp) != (ssize_t)sizeof pp)
        return 2;
    while (wait(NULL) > 0) /* the orphan, now ours */
        ;
    kc_report(&k);
    printf("reaper %d\n", pp == getpid());
    return 0;
}
