#!/bin/sh
# capstan/hello: like nginxdemos/hello, answers every request (any method, any path) with the container's
# host name, its address and the request URI. `nc -ll -e` forks hello-respond per connection; busybox httpd
# is not used because it can only run a CGI script for directory URLs.
PORT="${PORT:-80}"
case "$PORT" in
  '' | *[!0-9]*)
    echo "hello: PORT must be a port number, got '$PORT'" >&2
    exit 64
    ;;
esac
HELLO_HOSTNAME=$(hostname)
HELLO_ADDRESS=$(ip -o -4 addr show scope global 2>/dev/null | sed -n '1s/.* inet \([0-9.]*\)\/.*/\1/p')
export PORT HELLO_HOSTNAME HELLO_ADDRESS

# As PID 1 neither nc nor an untrapped shell reacts to SIGTERM; exiting here ends the whole container.
trap 'exit 0' TERM INT
echo "hello: $HELLO_HOSTNAME listening on ${HELLO_ADDRESS:-0.0.0.0}:$PORT"
# busybox nc's listen backlog is the number of -l flags it was given (xlisten(fd, count)): with `-ll` the kernel
# queues only 2 connections and drops the SYNs of the rest, which clients retry after 1, 2, 4, 8, 16 s, so under a
# load of 20 connections at once a request could wait more than 30 s. 128 flags ask for nginx's order of backlog.
# shellcheck disable=SC2046 # one printf argument per number: 128 l's
listen_flags=$(printf 'l%.0s' $(seq 128))
nc "-$listen_flags" -p "$PORT" -e /usr/local/bin/hello-respond &
wait $!
