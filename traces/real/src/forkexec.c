/* forkexec.c -- the process calls a shell makes, and memory shared through
 * a file: it maps a file shared, forks a child that writes to the mapping
 * and execs /bin/true, starts a second child with posix_spawn (a vfork),
 * runs a thread that allocates, and waits for both children. */
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *block;

static void *worker(void *arg)
{
    (void)arg;
    block = malloc(1 << 20); /* a large block: a mapping of its own */
    if (block)
        memset(block, 1, 1 << 20);
    return NULL;
}

int main(void)
{
    const char *path = "forkexec.dat";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, 4 * 4096) != 0)
        return 1;
    char *shared = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (shared == MAP_FAILED)
        return 1;
    close(fd);
    shared[0] = 'p';

    pid_t child = fork();
    if (child == 0) {
        shared[4096] = 'c';
        char *argv[] = {"true", NULL};
        execv("/bin/true", argv);
        _exit(127);
    }
    pid_t spawned;
    char *argv[] = {"true", NULL};
    if (posix_spawn(&spawned, "/bin/true", NULL, NULL, argv, environ) != 0)
        return 1;

    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) == 0)
        pthread_join(t, NULL);
    free(block);

    int status;
    waitpid(child, &status, 0);
    waitpid(spawned, &status, 0);
    printf("%c%c\n", shared[0], shared[4096]);
    munmap(shared, 4 * 4096);
    unlink(path);
    return 0;
}
