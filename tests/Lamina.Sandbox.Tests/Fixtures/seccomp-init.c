/* Test stand-in for lamina-init's start-up, so the sandbox tests run every command under the precompiled filter:
 * `seccomp-init [--seccomp FILE] CMD [ARGS...]` installs FILE the way lamina-init does (no_new_privs, then
 * seccomp(2) with TSYNC, failing closed) and execs CMD. */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct sock_filter program[4096];

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--seccomp") == 0) {
        if (argc < 3) { fprintf(stderr, "seccomp-init: --seccomp needs a path\n"); return 3; }
        int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
        if (fd < 0) { perror("seccomp-init: open filter"); return 3; }
        size_t total = 0;
        ssize_t n;
        while ((n = read(fd, (char *)program + total, sizeof program - total)) > 0) total += (size_t)n;
        close(fd);
        if (n < 0 || total == 0 || total % sizeof program[0] != 0) { fprintf(stderr, "seccomp-init: bad filter\n"); return 3; }
        struct sock_fprog fprog = { .len = (unsigned short)(total / sizeof program[0]), .filter = program };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("seccomp-init: no_new_privs"); return 3; }
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog) != 0) {
            perror("seccomp-init: seccomp");
            return 3;
        }
        first = 3;
    }
    if (first >= argc) { fprintf(stderr, "seccomp-init: no command\n"); return 2; }
    execvp(argv[first], argv + first);
    perror(argv[first]);
    return 127;
}
