/* A trivial native runtime for the warm-invoke benchmark: GET /next, POST the event back as the
   response, over one keep-alive connection to AWS_LAMBDA_RUNTIME_API. No error handling beyond
   exiting: it is a load fixture, not a runtime client. Build: cc -O2 -o runtime runtime.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[8 * 1024 * 1024];
static size_t have;

static int fill(int fd) {
    ssize_t n = read(fd, buf + have, sizeof(buf) - have);
    if (n <= 0) exit(3);
    have += (size_t)n;
    return 0;
}

/* Reads one response; returns body offset, sets *len and copies the request id header if present. */
static size_t response(int fd, size_t *len, char *id) {
    char *end;
    while (!(end = memmem(buf, have, "\r\n\r\n", 4))) fill(fd);
    size_t head = (size_t)(end - buf) + 4;
    *len = 0;
    for (char *line = buf; line < end; line = strstr(line, "\r\n") + 2) {
        if (!strncasecmp(line, "Content-Length:", 15)) *len = strtoul(line + 15, NULL, 10);
        if (id && !strncasecmp(line, "Lambda-Runtime-Aws-Request-Id:", 30)) {
            char *v = line + 30; while (*v == ' ') v++;
            size_t n = strcspn(v, "\r"); memcpy(id, v, n); id[n] = 0;
        }
    }
    while (have < head + *len) fill(fd);
    return head;
}

int main(void) {
    char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 2;
    char host[64]; int port;
    if (sscanf(api, "%63[^:]:%d", host, &port) != 2) return 2;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr)) return 4;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    static char out[8 * 1024 * 1024 + 512];
    for (;;) {
        const char *next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: r\r\n\r\n";
        if (write(fd, next, strlen(next)) < 0) return 5;
        char id[128] = {0}; size_t len;
        size_t body = response(fd, &len, id);
        int n = snprintf(out, 512, "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: r\r\nContent-Length: %zu\r\n\r\n", id, len);
        memcpy(out + n, buf + body, len);
        have -= body + len; memmove(buf, buf + body + len, have);
        if (write(fd, out, (size_t)n + len) < 0) return 5;
        body = response(fd, &len, NULL);
        have -= body + len; memmove(buf, buf + body + len, have);
    }
}
