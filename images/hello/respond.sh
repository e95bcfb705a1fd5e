#!/bin/sh
# shellcheck disable=SC3045 # read -t: these scripts run in busybox ash, which has it
# One HTTP exchange on stdin/stdout, started by `nc -ll -e` for each connection. Logs one line per request
# to stderr, which is the container's log.
set -f
cr=$(printf '\r')
IFS= read -r -t 10 line || exit 0
line=${line%"$cr"}
# shellcheck disable=SC2086 # split the request line into method, URI and protocol
set -- $line
method=$1
uri=$2
length=0
while IFS= read -r -t 10 header; do
  header=${header%"$cr"}
  [ -z "$header" ] && break
  case "$header" in
    [Cc]ontent-[Ll]ength:*)
      length=$(echo "${header#*:}" | tr -dc 0-9)
      ;;
  esac
done
# Read the request body so closing the socket does not reset the connection under the response.
if [ "${length:-0}" -gt 0 ]; then
  timeout 10 head -c "$length" >/dev/null
fi

status='200 OK'
if [ -z "$uri" ]; then
  status='400 Bad Request'
  body='Bad Request
'
else
  address=${HELLO_ADDRESS:-$(ip -o -4 addr show scope global 2>/dev/null | sed -n '1s/.* inet \([0-9.]*\)\/.*/\1/p')}
  body="Server name: ${HELLO_HOSTNAME:-$(hostname)}
Server address: ${address:-127.0.0.1}:${PORT:-80}
Request method: $method
Request URI: $uri
Date: $(date -u '+%d/%b/%Y:%H:%M:%S +0000')
"
fi
size=$(printf %s "$body" | wc -c)
[ "$method" = HEAD ] && body=''
# Head and body in one write: a container killed while answering cuts no answer in half (docs/reliability.md).
printf 'HTTP/1.1 %s\r\nServer: capstan-hello\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %s\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n%s' "$status" "$size" "$body"
echo "$(date -u '+%Y-%m-%dT%H:%M:%SZ') $method $uri ${status%% *}" >&2
