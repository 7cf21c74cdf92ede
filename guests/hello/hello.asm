; hello.asm -- a boot sector and its second stage: what happens between the BIOS and a kernel.
;
; The BIOS's POST ends with INT 19h, which reads the first sector of the boot disk (the
; master boot record, 512 bytes ending in 55 AA) to 0000:7C00 and jumps there in real
; mode, with DL = the BIOS drive number (0x80, the first hard disk; 0x00, floppy A:). From
; there:
;   1. the boot sector says hello twice: through the BIOS (INT 10h AH=0Eh, teletype output,
;      which draws on the VGA text screen) and on COM1 (a 16550 UART at 0x3F8, polled);
;   2. it loads the second stage from the next sectors of the disk with INT 13h: the LBA
;      extensions (AH=42h) when the BIOS has them for the drive (AH=41h says so), CHS reads
;      (AH=02h) otherwise, as from a floppy, to 0000:7E00, right after itself. The stage
;      lies in sectors 2-3 of cylinder 0, head 0: on any geometry, even a diskette's 18;
;   3. the second stage opens the A20 gate. On an AT, address line 20 is gated so that
;      FFFF:0010 wraps to 0 as on an 8086; a kernel above 1 MiB needs it open. Two gates
;      are ORed on the board: the 8042 keyboard controller's output port and the "fast
;      A20" bit of port 0x92. The stage closes the 8042's gate, checks that memory wraps,
;      opens the gate through port 0x92, and checks that it no longer does;
;   4. it loads a GDT (flat 4 GiB code and data segments), sets CR0.PE and far-jumps into
;      32-bit protected mode, where the BIOS is out of reach: it says so on COM1;
;   5. it writes 0x10 to port 0xF4 (isa-debug-exit): the run ends with status 33.
;
; The image is one cylinder of the 16-head, 63-sector geometry (1008 sectors, 504 KiB), so
; that the BIOS's CHS view and the disk's size agree exactly; with -DIMAGE_SECTORS=2880 it
; is a 1.44 MB diskette (80 cylinders, 2 heads, 18 sectors) instead.
;
; Build: nasm -f bin hello.asm -o hello.img
;        nasm -f bin -DIMAGE_SECTORS=2880 hello.asm -o hello-floppy.img
; Try:   lab86 run --hda hello.img
;        lab86 run --fda hello-floppy.img --boot a
;        qemu-system-i386 -M isapc -hda hello.img -serial stdio \
;            -device isa-debug-exit,iobase=0xf4,iosize=0x04

bits 16
org 0x7C00

COM1        equ 0x3F8                   ; 16550 registers, as offsets from COM1:
UART_THR    equ 0                       ;   transmit holding register (write)
UART_DLL    equ 0                       ;   divisor latch, low byte (when LCR.DLAB = 1)
UART_DLM    equ 1                       ;   divisor latch, high byte (when LCR.DLAB = 1)
UART_IER    equ 1                       ;   interrupt enable
UART_LCR    equ 3                       ;   line control
UART_LSR    equ 5                       ;   line status
LSR_THRE    equ 1 << 5                  ;   "transmit holding register empty"
KBC_DATA    equ 0x60                    ; 8042 data port
KBC_CMD     equ 0x64                    ; 8042 command (write) and status (read) port
KBC_IBF     equ 1 << 1                  ;   status: input buffer full, wait before writing
KBC_WRITE_OUTPORT equ 0xD1              ;   command: the next data byte is the output port
KBC_OUTPORT_A20_OFF equ 0xDD            ;   output port: A20 gate closed, CPU not in reset
PORT_A      equ 0x92                    ; system control port A
PORT_A_A20  equ 1 << 1                  ;   fast A20 gate
PORT_A_RESET equ 1 << 0                 ;   writing 1 resets the CPU: always written as 0
PORT_EXIT   equ 0xF4                    ; isa-debug-exit
EXIT_PASS   equ 0x10                    ;   status (0x10 << 1) | 1 = 33
EXIT_FAIL   equ 0x11                    ;   status 35
STAGE2      equ 0x7E00                  ; where the second stage is loaded

; ---------------------------------------------------------------- the boot sector

boot:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, boot                        ; the stack grows down from below the boot sector
    sti
    mov [boot_drive], dl                ; the BIOS says which drive we came from
    call uart_init
    mov si, msg_hello
    call print
    call load_stage2
    jc .failed
    jmp stage2
.failed:
    mov si, msg_disk_error
    call print
    jmp fail

; Read STAGE2_SECTORS sectors from LBA 1 to STAGE2; CF set on error.
load_stage2:
    mov ah, 0x41                        ; INT 13h extensions installed?
    mov bx, 0x55AA
    mov dl, [boot_drive]
    int 0x13
    jc .chs
    cmp bx, 0xAA55
    jne .chs
    mov si, dap                         ; AH=42h: extended read, from the disk address packet
    mov ah, 0x42
    mov dl, [boot_drive]
    int 0x13
    ret
.chs:
    mov ax, 0x0200 | STAGE2_SECTORS     ; AH=02h read, AL = sectors
    mov cx, 0x0002                      ; cylinder 0, sector 2 (sectors count from 1)
    xor dh, dh                          ; head 0
    mov dl, [boot_drive]
    mov bx, STAGE2                      ; to ES:BX
    int 0x13
    ret

; Say the NUL-terminated string at DS:SI on the screen and on COM1 (where "\r" is dropped:
; a serial console's newline is "\n").
print:
    lodsb
    test al, al
    jz .done
    mov ah, 0x0E                        ; teletype output: AL, page BH, colour BL
    mov bx, 0x0007
    int 0x10
    cmp al, 13
    je print
    call uart_putc
    jmp print
.done:
    ret

; COM1 at 115200 baud (divisor 1), 8 data bits, no parity, 1 stop bit, no interrupts.
uart_init:
    mov dx, COM1 + UART_IER
    xor al, al
    out dx, al
    mov dx, COM1 + UART_LCR
    mov al, 0x80                        ; DLAB: the next two registers are the divisor
    out dx, al
    mov dx, COM1 + UART_DLL
    mov al, 1
    out dx, al
    mov dx, COM1 + UART_DLM
    xor al, al
    out dx, al
    mov dx, COM1 + UART_LCR
    mov al, 0x03                        ; 8N1, DLAB off
    out dx, al
    ret

; Send AL on COM1 once the transmitter has room.
uart_putc:
    push ax
    mov dx, COM1 + UART_LSR
.wait:
    in al, dx
    test al, LSR_THRE
    jz .wait
    pop ax
    mov dx, COM1 + UART_THR
    out dx, al
    ret

fail:
    mov al, EXIT_FAIL
    out PORT_EXIT, al
.hang:
    hlt
    jmp .hang

boot_drive: db 0
dap:                                    ; the disk address packet of AH=42h
    db 16, 0                            ;   its size, reserved
    dw STAGE2_SECTORS                   ;   sectors to read
    dw STAGE2, 0                        ;   buffer, offset:segment
    dq 1                                ;   first sector (LBA)
msg_hello:      db "hello from the boot sector", 13, 10, 0
msg_disk_error: db "hello: cannot read the second stage", 13, 10, 0

    times 510 - ($ - $$) db 0
    dw 0xAA55                           ; the boot signature the BIOS checks

; ---------------------------------------------------------------- the second stage

stage2:
    mov si, msg_stage2
    call print
    call a20_close_8042
    call a20_wraps
    jne .a20_bad                        ; the gate is closed: memory must wrap
    call a20_open_port92
    call a20_wraps
    je .a20_bad                         ; now it must not
    mov si, msg_a20
    call print
    cli                                 ; no real-mode interrupt handler works in PM
    lgdt [gdt_desc]
    mov eax, cr0
    or eax, 1                           ; CR0.PE
    mov cr0, eax
    jmp 0x08:pm_entry                   ; reload CS: now in 32-bit protected mode
.a20_bad:
    mov si, msg_a20_bad
    call print
    jmp fail

; Close the 8042's A20 gate (and port 0x92's): write its output port.
a20_close_8042:
    in al, PORT_A
    and al, ~(PORT_A_A20 | PORT_A_RESET) & 0xFF
    out PORT_A, al
    call kbc_wait
    mov al, KBC_WRITE_OUTPORT
    out KBC_CMD, al
    call kbc_wait
    mov al, KBC_OUTPORT_A20_OFF
    out KBC_DATA, al
    call kbc_wait
    ret

; Wait until the 8042 can take a byte.
kbc_wait:
    in al, KBC_CMD
    test al, KBC_IBF
    jnz kbc_wait
    ret

; Open the fast A20 gate of port 0x92.
a20_open_port92:
    in al, PORT_A
    or al, PORT_A_A20
    and al, ~PORT_A_RESET & 0xFF
    out PORT_A, al
    ret

; ZF set when 0000:0500 and FFFF:0510 (physical 0x100500) are the same byte: A20 is closed.
a20_wraps:
    push es
    mov ax, 0xFFFF
    mov es, ax
    mov byte [0x0500], 0x00
    mov byte [es:0x0510], 0xFF
    cmp byte [0x0500], 0xFF
    pop es
    ret

bits 32
pm_entry:
    mov ax, 0x10                        ; the flat data segment
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7C00
    mov esi, msg_pm
.next:
    lodsb
    test al, al
    jz .done
    call pm_putc
    jmp .next
.done:
    mov al, EXIT_PASS
    out PORT_EXIT, al
.hang:
    hlt
    jmp .hang

; Send AL on COM1 (the 32-bit twin of uart_putc).
pm_putc:
    mov ah, al
    mov dx, COM1 + UART_LSR
.wait:
    in al, dx
    test al, LSR_THRE
    jz .wait
    mov al, ah
    mov dx, COM1 + UART_THR
    out dx, al
    ret

align 8
gdt:
    dq 0                                ; the null descriptor
    dq 0x00CF9A000000FFFF               ; 0x08: code, base 0, limit 4 GiB, 32-bit, ring 0
    dq 0x00CF92000000FFFF               ; 0x10: data, base 0, limit 4 GiB, writable
gdt_desc:
    dw gdt_desc - gdt - 1               ; limit
    dd gdt                              ; linear base

msg_stage2: db "hello: second stage loaded", 13, 10, 0
msg_a20:    db "hello: A20 enabled", 13, 10, 0
msg_a20_bad: db "hello: the A20 gate does not work", 13, 10, 0
msg_pm:     db "hello: protected mode", 10, 0

stage2_end:
STAGE2_SECTORS equ (stage2_end - stage2 + 511) / 512

%ifndef IMAGE_SECTORS
%define IMAGE_SECTORS 1008              ; one cylinder of the hard disk
%endif
    times IMAGE_SECTORS * 512 - ($ - $$) db 0 ; the rest of the disk
