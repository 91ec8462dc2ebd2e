/* probe: a static test program run inside sandboxes. Each command tries one thing and prints
   "<what> ok" or "<what> errno=<name>", so tests assert on the kernel's answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(const char *what, long rc) {
    if (rc < 0) printf("%s errno=%s\n", what, strerrorname_np(errno));
    else printf("%s ok\n", what);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) { fprintf(stderr, "usage: probe command\n"); return 2; }
    const char *cmd = argv[1];
    /* Refuse to run as root: these probes are meant for the sandbox user only, never the host. */
    if (getuid() == 0) { fprintf(stderr, "probe: refusing to run as root\n"); return 4; }
    if (!strcmp(cmd, "args")) { for (int i = 0; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]); return 0; }
    if (!strcmp(cmd, "mount")) return report("mount", mount("none", "/lamina-probe-mnt", "tmpfs", 0, NULL));
    if (!strcmp(cmd, "ptrace")) return report("ptrace", ptrace(PTRACE_TRACEME, 0, NULL, NULL));
    if (!strcmp(cmd, "keys")) {
        report("add_key", syscall(SYS_add_key, "user", "lamina", "v", 1, -2 /* KEY_SPEC_PROCESS_KEYRING */));
        return report("keyctl", syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, "lamina"));
    }
    if (!strcmp(cmd, "unshare")) return report("unshare", unshare(CLONE_NEWUSER | CLONE_NEWNS));
    if (!strcmp(cmd, "exe")) {
        /* CVE-2019-5736 family: the runtime must not be writable through /proc/<pid>/exe. */
        report("self-exe", open("/proc/self/exe", O_WRONLY | O_TRUNC));
        report("init-exe", open("/proc/1/exe", O_WRONLY | O_TRUNC));
        for (int i = 2; i < argc; i++) report(argv[i], open(argv[i], O_WRONLY | O_TRUNC));
        return 0;
    }
    if (!strcmp(cmd, "memhog")) {
        for (long mb = 1;; mb++) {
            char *p = malloc(1 << 20);
            if (!p) { printf("malloc failed at %ld MB\n", mb); return 1; }
            memset(p, 1, 1 << 20);
            if (mb % 64 == 0) printf("allocated %ld MB\n", mb);
        }
    }
    if (!strcmp(cmd, "forkbomb")) {
        /* Fork until refused; children wait to be killed. */
        long n = 0;
        for (;;) {
            pid_t p = fork();
            if (p == 0) { pause(); _exit(0); }
            if (p < 0) { printf("forks=%ld errno=%s\n", n, strerrorname_np(errno)); return 0; }
            n++;
        }
    }
    if (!strcmp(cmd, "counter")) {
        for (long i = 0;; i++) { printf("%ld\n", i); usleep(10000); }
    }
    if (!strcmp(cmd, "ready")) {
        /* Signals "process running" to the host through a fifo, then idles. */
        int fd = open(argc > 2 ? argv[2] : "/run/lamina/ready", O_WRONLY);
        if (fd < 0 || write(fd, "R", 1) != 1) return 3;
        close(fd);
        pause();
        return 0;
    }
    if (!strcmp(cmd, "seccomp")) {
        /* The filter's answers: status, a refused and an unlisted syscall, clone3, a namespace clone, an argument
           rule, an allowed call, and an x32 syscall (another ABI: the filter kills the thread). */
        char line[256];
        FILE *status = fopen("/proc/self/status", "r");
        int mode = -1, nnp = -1;
        while (status && fgets(line, sizeof line, status)) {
            sscanf(line, "Seccomp: %d", &mode);
            sscanf(line, "NoNewPrivs: %d", &nnp);
        }
        printf("Seccomp: %d NoNewPrivs: %d\n", mode, nnp);
        report("mount", mount("none", "/lamina-probe-mnt", "tmpfs", 0, NULL));
        report("clone3", syscall(435, NULL, 0));
        report("unknown-syscall", syscall(1000));
        report("clone-newuser", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
        report("socket-netlink-audit", syscall(SYS_socket, 16, 3, 9));
        report("getppid", syscall(SYS_getppid));
        pid_t child = fork();
        if (child == 0) { syscall(39 | 0x40000000); _exit(0); }
        int st = 0;
        waitpid(child, &st, 0);
        if (WIFSIGNALED(st)) printf("x32-getpid killed sig=%d\n", WTERMSIG(st));
        else printf("x32-getpid exit=%d\n", WEXITSTATUS(st));
        return 0;
    }
    if (!strcmp(cmd, "sleep")) { pause(); return 0; }
    fprintf(stderr, "unknown command %s\n", cmd);
    return 2;
}
