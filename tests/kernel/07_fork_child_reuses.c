/* fork, the parent writes first, then the child: the child is the last
 * user of every old frame and reuses it (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    int go[2];
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 1);
    kc_pipe(go);
    pid_t pid = kc_fork();
    if (pid == 0) {
        kc_own_pagemap(&k);
        kc_wait_signal(go[0]);
        kc_begin(&k);
        kc_touch(&k, 1);
        kc_end(&k);
        kc_report(&k);
        exit(0);
    }
    kc_touch(&k, 1);
    kc_signal(go[1]);
    kc_reap(pid);
    return 0;
}
