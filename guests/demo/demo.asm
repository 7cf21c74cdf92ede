; demo.asm -- the default lab86 guest: a minimal multiboot kernel that says hello.
;
; `make run` boots this.  It shows the whole life of a multiboot kernel in one page:
;   1. the loader (lab86 --kernel, GRUB, QEMU -kernel) finds the multiboot header below,
;      loads the ELF file at 1 MiB and jumps to _start in 32-bit protected mode with
;      EAX = 0x2BADB002 and EBX = the address of the multiboot information structure;
;   2. the kernel prints on the first serial port (COM1, a 16550 UART at 0x3F8): a
;      banner, the memory size and command line from the multiboot information, and the
;      CPU vendor from CPUID;
;   3. it writes 0x10 to port 0xF4 (isa-debug-exit), which ends the run with status 33.
;
; Build: nasm -f elf32 demo.asm && ld -m elf_i386 -T link.ld -o demo.elf demo.o
; Try:   qemu-system-i386 -kernel demo.elf -append "hi" -serial stdio -display none \
;            -device isa-debug-exit,iobase=0xf4,iosize=0x04

bits 32

COM1        equ 0x3F8                   ; 16550 registers, as offsets from COM1:
UART_THR    equ 0                       ;   transmit holding register (write)
UART_DLL    equ 0                       ;   divisor latch, low byte (when LCR.DLAB = 1)
UART_DLM    equ 1                       ;   divisor latch, high byte (when LCR.DLAB = 1)
UART_IER    equ 1                       ;   interrupt enable
UART_LCR    equ 3                       ;   line control
UART_LSR    equ 5                       ;   line status
LSR_THRE    equ 1 << 5                  ;   "transmit holding register empty"
PORT_EXIT   equ 0xF4

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ 1 << 1                  ; please give us mem_lower / mem_upper

section .multiboot
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

section .text
global _start
_start:
    mov esp, stack_top                  ; the loader gives us no stack
                                        ; EBX -> multiboot information: kept throughout
    call uart_init

    mov esi, msg_banner
    call puts

    test dword [ebx], 1 << 0            ; flags bit 0: mem_lower / mem_upper valid
    jz .no_mem
    mov esi, msg_mem
    call puts
    mov eax, [ebx + 4]                  ; mem_lower, KiB below 640 KiB
    call put_dec
    mov esi, msg_mem_low
    call puts
    mov eax, [ebx + 8]                  ; mem_upper, KiB above 1 MiB
    call put_dec
    mov esi, msg_mem_high
    call puts
.no_mem:

    mov esi, msg_cmdline
    call puts
    mov esi, msg_none
    test dword [ebx], 1 << 2            ; flags bit 2: cmdline valid
    jz .print_cmdline
    mov esi, [ebx + 16]                 ; physical address of a C string
.print_cmdline:
    call puts
    mov esi, msg_newline
    call puts

    xor eax, eax                        ; CPUID leaf 0: vendor in EBX, EDX, ECX
    push ebx
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    pop ebx
    mov esi, msg_vendor
    call puts
    mov esi, vendor
    call puts
    mov esi, msg_newline
    call puts

    mov al, 0x10                        ; success: exit status (0x10 << 1) | 1 = 33
    out PORT_EXIT, al
.halt:                                  ; no exit device? then just stop
    cli
    hlt
    jmp .halt

; uart_init: 115200 baud (divisor 1), 8 data bits, no parity, 1 stop bit, no interrupts.
uart_init:
    mov dx, COM1 + UART_IER
    mov al, 0
    out dx, al
    mov dx, COM1 + UART_LCR
    mov al, 0x80                        ; DLAB = 1: ports 0 and 1 are the divisor now
    out dx, al
    mov dx, COM1 + UART_DLL
    mov al, 1
    out dx, al
    mov dx, COM1 + UART_DLM
    mov al, 0
    out dx, al
    mov dx, COM1 + UART_LCR
    mov al, 0x03                        ; DLAB = 0, 8N1
    out dx, al
    ret

; putc: send AL, after waiting until the UART can take another byte.
putc:
    push eax
    mov dx, COM1 + UART_LSR
.wait:
    in al, dx
    test al, LSR_THRE
    jz .wait
    pop eax
    mov dx, COM1 + UART_THR
    out dx, al
    ret

; puts: send the zero-terminated string at ESI.
puts:
    push eax
    push edx
    push esi
.next:
    lodsb
    test al, al
    jz .done
    call putc
    jmp .next
.done:
    pop esi
    pop edx
    pop eax
    ret

; put_dec: send EAX in decimal.
put_dec:
    pushad
    mov ecx, 10
    xor edi, edi                        ; digit count
.divide:
    xor edx, edx
    div ecx
    push edx                            ; digits come out least significant first
    inc edi
    test eax, eax
    jnz .divide
.send:
    pop eax
    add al, '0'
    call putc
    dec edi
    jnz .send
    popad
    ret

section .data
msg_banner:   db "lab86 demo: hello from a multiboot kernel", 13, 10, 0
msg_mem:      db "memory: ", 0
msg_mem_low:  db " KiB low, ", 0
msg_mem_high: db " KiB above 1 MiB", 13, 10, 0
msg_cmdline:  db "command line: ", 0
msg_none:     db "(none)", 0
msg_vendor:   db "cpu vendor: ", 0
msg_newline:  db 13, 10, 0

section .bss
vendor:       resb 13                   ; 12 bytes + the terminating zero (bss is zeroed)
alignb 16
              resb 4096
stack_top:
