/* A minimal Lambda custom runtime, statically linked: speaks the Runtime API (2018-06-01) over
 * HTTP/1.1 to $AWS_LAMBDA_RUNTIME_API. Answers {"echo":<event>,"pid":P,"count":N} so tests can see
 * warm reuse (same pid, growing count). An event containing "crash" exits 3; one containing
 * "hang" sleeps past any timeout; "wait" answers only once /tmp/release exists (the host writes it through
 * /proc/PID/root), so a test can hold an environment busy for as long as it needs.
 * Built with -DVARIANT='"v2"' it adds "variant":"v2" to each answer (a second image with other code). */
#include "runtime-api.h"

#ifdef VARIANT
#define VARIANT_FIELD ",\"variant\":\"" VARIANT "\""
#else
#define VARIANT_FIELD ""
#endif

/* Answers in streaming mode (Lambda-Runtime-Function-Response-Mode: streaming, chunked): "part1;" first, then
 * (for "streamwait") waits for /tmp/release, then "part2;" and "part3"; "streamfail" ends with the error trailers;
 * "prelude" first writes a function URL's HTTP prelude (JSON, then 8 NUL bytes). */
static void stream_answer(const char *id, const char *event) {
    static char hdr[4096], buf[1024];
    int fd = rt_dial();
    int n = snprintf(buf, sizeof buf,
        "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
        "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
        "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n", id, rt_api);
    rt_write_all(fd, buf, (size_t)n);
    if (strstr(event, "prelude")) {
        static const char prelude[] = "{\"statusCode\":202,\"headers\":{\"x-streamed\":\"yes\"},\"cookies\":[\"s=1\"]}";
        n = snprintf(buf, sizeof buf, "%zx\r\n%s", sizeof prelude - 1 + 8, prelude);
        rt_write_all(fd, buf, (size_t)n);
        rt_write_all(fd, "\0\0\0\0\0\0\0\0\r\n", 10);
    }
    rt_write_all(fd, "6\r\npart1;\r\n", 11);
    if (strstr(event, "streamwait")) while (access("/tmp/release", F_OK) != 0) usleep(10000);
    rt_write_all(fd, "6\r\npart2;\r\n5\r\npart3\r\n", 21);
    if (strstr(event, "streamfail")) {
        /* base64 of {"errorType":"Function.Broke","errorMessage":"broke midway"} */
        n = snprintf(buf, sizeof buf, "0\r\nLambda-Runtime-Function-Error-Type: Function.Broke\r\n"
            "Lambda-Runtime-Function-Error-Body: eyJlcnJvclR5cGUiOiJGdW5jdGlvbi5Ccm9rZSIsImVycm9yTWVzc2FnZSI6ImJyb2tlIG1pZHdheSJ9\r\n\r\n");
        rt_write_all(fd, buf, (size_t)n);
    } else {
        rt_write_all(fd, "0\r\n\r\n", 5);
    }
    while (read(fd, hdr, sizeof hdr) > 0) {}
    close(fd);
}

int main(void) {
    rt_init();
    fprintf(stderr, "echo-runtime: pid %d ready\n", getpid());
    static char hdr[16384], id[128];
    for (long count = 1;; count++) {
        size_t elen;
        char *event = rt_next(hdr, sizeof hdr, &elen, id, sizeof id);
        if (strstr(event, "stream")) { stream_answer(id, event); free(event); continue; }
        if (strstr(event, "structured")) {
            static const char reply[] = "{\"statusCode\":201,\"headers\":{\"x-custom\":\"yes\",\"content-type\":\"text/plain\"},"
                "\"cookies\":[\"a=1\",\"b=2\"],\"body\":\"aGk=\",\"isBase64Encoded\":true}";
            rt_respond(id, reply, sizeof reply - 1);
            free(event);
            continue;
        }
        if (strstr(event, "loglevels")) {
            /* One JSON log record per level, then a plain line: what ApplicationLogLevel filtering sees. */
            static const char *levels[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
            for (int i = 0; i < 6; i++)
                printf("{\"timestamp\":\"2026-01-01T00:00:00Z\",\"level\":\"%s\",\"message\":\"at %s\"}\n", levels[i], levels[i]);
            printf("plain line\n");
            fflush(stdout);
        }
        if (strstr(event, "crash")) { fprintf(stderr, "echo-runtime: crashing on request\n"); exit(3); }
        if (strstr(event, "hang")) sleep(3600);
        if (strstr(event, "wait")) while (access("/tmp/release", F_OK) != 0) usleep(10000);
        size_t cap = elen + 192;
        char *out = malloc(cap);
        int ol = snprintf(out, cap, "{\"echo\":%s,\"pid\":%d,\"count\":%ld" VARIANT_FIELD "}", elen ? event : "null", getpid(), count);
        rt_respond(id, out, (size_t)ol);
        free(out); free(event);
    }
}
