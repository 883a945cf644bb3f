// What the kernel timing harnesses share: a monotonic clock, an ordering for qsort of times, and
// random inputs in [−0.5, 0.5).
#ifndef LDM_BENCH_TIMING_H
#define LDM_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int ascending(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static float *random_values(long count) {
    float *values = malloc(sizeof(float) * count);
    for (long i = 0; i < count; i++) values[i] = rand() / (float)RAND_MAX - 0.5f;
    return values;
}

#endif
