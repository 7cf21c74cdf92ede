#!/bin/busybox sh
# init.sh -- /init of the initramfs the Linux boot test builds: busybox only.
# It mounts the kernel's file systems, reports how many CPUs are online, and gives the
# serial console an interactive shell, into which the test types its command.
/bin/busybox mkdir -p /proc /sys /dev /bin /sbin /usr/bin /usr/sbin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox --install -s
echo "lab86-linux: $(grep -c ^processor /proc/cpuinfo) cpus online"
exec setsid cttyhack sh
