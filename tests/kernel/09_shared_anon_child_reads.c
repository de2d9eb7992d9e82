/* shared anonymous memory after fork: the child's reads fault in 16
 * pages each (the fork copied no entry of it; fault-around) (docs/linux.md) */
#include "kc.h"

int main(int argc, char **argv)
{
    struct kc k;
    kc_init(&k, argc, argv);
    kc_map(&k, PROT_READ | PROT_WRITE, MAP_SHARED, -1);
    kc_touch(&k, 1);
    kc_child_touches(&k, 0);
    return 0;
}
