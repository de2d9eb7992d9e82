/* policy_ask.h -- the question a replacement policy answers when memory
 * is full: which of its candidates may be the victim now, how to see
 * whether a frame was referenced, and where to write why it chose. The
 * policies (policy.h, and opt in policy_opt.h) take it; the machine asks it
 * (pressure.c).
 */
#ifndef VMSIM_POLICY_ASK_H
#define VMSIM_POLICY_ASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* what may be chosen now */
struct policy_ask {
    /* eligible: may candidate f be the victim? (the pinned frames and, with
     * no free slot, the pages without a valid swap copy may not) */
    bool (*eligible)(void *ctx, uint32_t f);
    /* referenced: clock asks whether an entry mapping f has its accessed
     * bit, and with clear, clears them all */
    bool (*referenced)(void *ctx, uint32_t f, bool clear);
    void *ctx;
    const uint32_t *pinned; /* the frames the current access works with: never the victim */
    unsigned npinned;
    bool slot_free;    /* a swap slot is free: every candidate but the pinned is eligible */
    char *why;         /* the policy's reason, when not NULL (why_len bytes) */
    size_t why_len;
};

#endif
