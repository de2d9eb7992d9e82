/* matmul.c -- C = A x B for N x N doubles, the textbook triple loop (i, j, k):
 * B is walked down its columns, a page-hungry pattern. */
#include <stdio.h>
#include <stdlib.h>

#ifndef N
#define N 48
#endif

int main(void)
{
    double *a = malloc(sizeof(double) * N * N);
    double *b = malloc(sizeof(double) * N * N);
    double *c = malloc(sizeof(double) * N * N);
    if (!a || !b || !c)
        return 1;
    for (int i = 0; i < N * N; i++) {
        a[i] = i % 7;
        b[i] = i % 5;
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++)
                s += a[i * N + k] * b[k * N + j];
            c[i * N + j] = s;
        }
    printf("%g\n", c[N * N - 1]);
    free(a);
    free(b);
    free(c);
    return 0;
}
