/* probe_zero_page: does this kernel map its shared zero page when a
 * process reads untouched private anonymous memory? Prints "zero_page 1"
 * (it does: the pages read stay out of Rss) or "zero_page 0" (each read
 * gets a page of its own, as under a kernel booted without the zero page).
 * kernel-check.sh runs vmsim with --zero-page off when it prints 0. */
#include "kc.h"

int main(void)
{
    char *argv[] = {"probe_zero_page", "16", NULL};
    struct kc k;
    kc_init(&k, 2, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
    kc_touch(&k, 0);
    long rss, pss;
    kc_smaps(&k, &rss, &pss);
    printf("zero_page %d\n", rss == 0);
    return 0;
}
