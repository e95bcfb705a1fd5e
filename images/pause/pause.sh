#!/bin/sh
# capstan/pause: PID 1 of a pod sandbox, holding the namespaces that the pod's containers join.
# A PID 1 gets no default signal handlers, so without the trap `docker stop` would wait out the grace period.
trap 'exit 0' TERM INT
while :; do
  sleep 86400 &
  wait $!
done
