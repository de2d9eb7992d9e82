/* vfork: the child shares the parent's address space, so its writes to
 * the parent's pages take no fault and copy nothing (docs/linux.md) */
#include "kc.h"

static volatile long child_faults;

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 1);
    kc_frames(&k, k.before);
    kc_warm();
    fflush(stdout);
    pid_t pid = vfork(); /* NOLINT(clang-analyzer-security.insecureAPI.vfork): vfork is what this scenario measures */
    if (pid < 0)
        kc_skip("vfork");
    if (pid == 0) {
        /* the child runs in the parent's memory: it says its faults there */
        long f0 = kc_minflt(); /* NOLINT(clang-analyzer-unix.Vfork): getrusage only, in the parent's memory */
        kc_touch(&k, 1);
        child_faults = kc_minflt() - f0; /* NOLINT(clang-analyzer-unix.Vfork): as above */
        _exit(0);
    }
    kc_reap(pid);
    k.faults = child_faults;
    kc_frames(&k, k.after);
    kc_report(&k);
    return 0;
}
