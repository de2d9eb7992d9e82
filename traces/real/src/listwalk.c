/* listwalk.c -- a linked list of NODES nodes of 256 bytes, linked in a
 * shuffled order, then walked ROUNDS times from head to tail: each step is
 * likely on another page, the pointer chasing a page cache dislikes. */
#include <stdio.h>
#include <stdlib.h>

#define NODES 1024
#define ROUNDS 4

struct node {
    struct node *next;
    long value;
    char pad[240];
};

int main(void)
{
    struct node *pool = malloc(sizeof(struct node) * NODES);
    unsigned *order = malloc(sizeof(unsigned) * NODES);
    if (!pool || !order)
        return 1;
    for (unsigned i = 0; i < NODES; i++)
        order[i] = i;
    unsigned long x = 88172645463325252UL; /* xorshift64: the same list every run */
    for (unsigned i = NODES - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned j = (unsigned)(x % (i + 1));
        unsigned t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (unsigned i = 0; i < NODES; i++) {
        pool[order[i]].value = i;
        pool[order[i]].next = i + 1 < NODES ? &pool[order[i + 1]] : NULL;
    }
    long sum = 0;
    for (int r = 0; r < ROUNDS; r++)
        for (struct node *n = &pool[order[0]]; n; n = n->next)
            sum += n->value;
    printf("%ld\n", sum);
    free(order);
    free(pool);
    return 0;
}
