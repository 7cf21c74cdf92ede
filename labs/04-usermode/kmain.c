/*
 * kmain.c - lab 4's kernel (given): run five user programs in ring 3.
 */
#include <stdint.h>

#include "lab4.h"
#include "multiboot.h"
#include "serial.h"
#include "x86.h"

void kmain(uint32_t magic, struct multiboot_info *mbi);
void idt_init(void);

extern char prog_hello[], prog_cli[], prog_getpid[], prog_badptr[], prog_io[];
extern char user_stack_top[];

/* The stack the TSS hands the CPU for interrupts from ring 3. */
char kernel_stack[KERNEL_STACK_SIZE] __attribute__((aligned(16)));

int current_pid;

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    (void)mbi;
    serial_init();
    if (magic != MULTIBOOT_BOOT_MAGIC)
        lab_exit(0x11);
    gdt_init();
    idt_init();
    syscall_init();
    kprintf("lab4: kernel ready\n");
    char *progs[] = { prog_hello, prog_cli, prog_getpid, prog_badptr, prog_io };
    for (int i = 0; i < 5; i++) {
        current_pid = i + 1;
        kprintf("lab4: running program %d\n", current_pid);
        int code = user_enter((uint32_t)progs[i], (uint32_t)user_stack_top);
        kprintf("lab4: program %d exited with %d\n", current_pid, code);
    }
    kprintf("lab4: all programs done\n");
    lab_exit(0x10);
}
