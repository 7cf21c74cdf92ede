; boot.asm - lab 1: your boot sector. Read ../README.md first.
;
; The BIOS loads this sector to 0000:7C00 and jumps here in real mode with DL = the boot
; drive. Your sector must: say hello (done for you: print); read the second stage
; (STAGE2_SECTORS sectors from LBA 1; the Makefile defines the number) to 0x10000 with
; INT 13h; open the A20 gate; load a GDT with flat code (0x08) and data (0x10) segments;
; set CR0.PE; far-jump into 32-bit code; and jump to the second stage at 0x10000.

bits 16
org 0x7C00

%ifndef STAGE2_SECTORS
%define STAGE2_SECTORS 8
%endif
COM1 equ 0x3F8

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    mov [boot_drive], dl

    mov si, msg_hello
    call print

    ; TODO 1: read the second stage with INT 13h (AH=42h and a disk address packet is the
    ;         simplest: see the RBIL entry for INT 13/AH=42h). On failure print msg_disk.
    ; TODO 2: open the A20 gate (port 0x92 bit 1, or the 8042's output port).
    ; TODO 3: LGDT, CR0.PE = 1, and a far jump to 32-bit code that loads the data
    ;         segment registers and a stack, then jumps to 0x10000.

.hang:
    hlt
    jmp .hang

; print: the NUL-terminated string at DS:SI, on the screen (INT 10h) and on COM1.
print:
    lodsb
    test al, al
    jz .done
    mov ah, 0x0E
    xor bx, bx
    int 0x10
    mov dx, COM1 + 5
.wait:
    mov ah, al
    in al, dx
    test al, 0x20
    mov al, ah
    jz .wait
    mov dx, COM1
    out dx, al
    jmp print
.done:
    ret

boot_drive: db 0
msg_hello: db "lab1: booting", 13, 10, 0
msg_disk: db "lab1: disk read failed", 13, 10, 0

times 510 - ($ - $$) db 0
dw 0xAA55
