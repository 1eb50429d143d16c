/*
 * A minimal HTTP/1.1 keep-alive server for the benchmark's keep-alive upstream cell (issue #16): the function the
 * fwatchdog (mode=http) forwards to, so the gateway -> watchdog -> server chain can reuse connections end to end,
 * unlike busybox httpd, which closes after every response. Answers every request with 200 "ok\n"; reads and discards
 * a Content-Length body; one process per connection (fork), which is fine for a few pooled connections.
 * Built statically by bench/FaasD.Bench with `gcc -O2 -static`, so the image needs no libc.
 * Usage: keepalive-server PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const char response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";

/* Serves requests on one connection until the peer closes it or sends something we do not understand. */
static void serve(int fd)
{
    char buffer[16384];
    size_t used = 0;
    for (;;) {
        char *end = NULL;
        while ((end = memmem(buffer, used, "\r\n\r\n", 4)) == NULL) {
            if (used == sizeof buffer) {
                return; /* headers larger than we accept */
            }
            ssize_t n = read(fd, buffer + used, sizeof buffer - used);
            if (n <= 0) {
                return;
            }
            used += (size_t)n;
        }

        size_t header_length = (size_t)(end - buffer) + 4;
        long body = 0;
        int close_after = 0;
        for (char *line = buffer; line < end; ) {
            char *next = memmem(line, (size_t)(end - line) + 2, "\r\n", 2);
            if (strncasecmp(line, "Content-Length:", 15) == 0) {
                body = strtol(line + 15, NULL, 10);
            } else if (strncasecmp(line, "Connection:", 11) == 0 && strstr(line, "close") != NULL && strstr(line, "close") < next) {
                close_after = 1;
            }
            line = next + 2;
        }
        if (body < 0) {
            return;
        }

        /* Drop the body: what is already buffered first, then the rest from the socket. */
        size_t buffered = used - header_length;
        size_t take = (size_t)body < buffered ? (size_t)body : buffered;
        memmove(buffer, buffer + header_length + take, buffered - take);
        used = buffered - take;
        for (long left = body - (long)take; left > 0; ) {
            char sink[16384];
            ssize_t n = read(fd, sink, left < (long)sizeof sink ? (size_t)left : sizeof sink);
            if (n <= 0) {
                return;
            }
            left -= n;
        }

        if (write(fd, response, sizeof response - 1) != (ssize_t)(sizeof response - 1) || close_after) {
            return;
        }
    }
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 8081;
    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 128) != 0) {
        perror("keepalive-server: bind/listen");
        return 1;
    }

    fprintf(stderr, "keepalive-server: listening on 127.0.0.1:%d\n", port);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pid_t child = fork();
        if (child == 0) {
            close(listener);
            serve(fd);
            _exit(0);
        }
        close(fd);
    }
}
