/*
 * lab4.h - the functions of lab 4 and what they must do (given).
 */
#ifndef LAB4_H
#define LAB4_H

#include <stdint.h>

#include "trap.h"

/* The GDT of lab 4: lab 2's two kernel segments, two flat ring-3 segments
 * and a TSS. The user selectors carry RPL 3. */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS (0x18 | 3)
#define USER_DS (0x20 | 3)
#define TSS_SEL 0x28

/* System calls: INT 0x80 with the number in EAX, arguments in EBX, ECX;
 * the result comes back in EAX. */
#define SYS_WRITE 1  /* write(buf, len): print len bytes; len, or -1 for a bad buffer */
#define SYS_EXIT 2   /* exit(code): the program ends with code */
#define SYS_GETPID 3 /* getpid(): the running program's number (1, 2, ...) */

/* gdt.c: the GDT above and a TSS whose SS0:ESP0 is KERNEL_DS and the top of
 * kernel_stack (the stack the CPU switches to when an interrupt arrives in
 * ring 3); LGDT, reload the segment registers, LTR. */
void gdt_init(void);
#define KERNEL_STACK_SIZE 8192
extern char kernel_stack[KERNEL_STACK_SIZE];

/* syscall.c: syscall_init() makes IDT entry 0x80 an interrupt gate that
 * ring 3 may use (DPL 3) to isr_stubs[ISR_SYSCALL_INDEX]. syscall(tf)
 * carries out the call in tf->eax with the arguments in tf->ebx and
 * tf->ecx, and puts the result in tf->eax (-1 for an unknown call). A
 * buffer must lie inside [user_start, user_end). */
void syscall_init(void);
void syscall(struct trapframe *tf);
extern char user_start[], user_end[];
extern uint64_t idt[256];

/* trap.c: vector 0x80 goes to syscall(); an exception in ring 3 prints
 * "lab4: program N killed: exception V at eip 0x%08x\n" and ends the
 * program with user_leave(-1); an exception in ring 0 is a kernel bug:
 * report it and lab_exit(0x11). */

/* Given (uswitch.asm): run the code at eip in ring 3 with its stack at esp
 * until it ends; returns the value handed to user_leave(). */
int user_enter(uint32_t eip, uint32_t esp);
/* From ring 0 (a system call or an exception): abandon the running program;
 * user_enter() returns value. */
void user_leave(int value) __attribute__((noreturn));
/* The running program's number. */
extern int current_pid;

#endif
