# tools.mk - what every lab's build starts from (given): where the lab and the
# student's files are, where the build goes, and the 32-bit freestanding
# toolchain. Included first by lab.mk and by 01-boot's Makefile; L must be set
# to the lab's directory before.
#
# SUB is the directory with the student's files: `make SUB=solution` in the
# lab, or the submission itself when `lab86 grade` runs
# `make -C SUBMISSION -f LAB/Makefile LAB_DIR=LAB` (LAB_DIR on the command
# line). OUT is where objects and the kernel go.

LIB := $(L)../lib
ifeq ($(origin LAB_DIR),command line)
SUB ?= .
else
SUB ?= solution
endif
OUT ?= $(SUB)/build

CC := gcc
NASM := nasm
LD := ld -m elf_i386 --no-warn-rwx-segments
CFLAGS := -m32 -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
          -fno-builtin -nostdlib -mno-sse -mno-mmx -O1 -g -Wall -Wextra -I$(LIB)
