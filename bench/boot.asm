; boot.asm -- a 1.44 MB boot floppy that runs a multiboot "a.out kludge" kernel.
;
; Bochs has no multiboot loader: it starts, like a real PC, in its BIOS, which reads the
; first sector of the boot disk to 0x7C00 and jumps there in real mode.  This file is that
; sector plus the kernel, so the very same kernel binary that lab86 and QEMU load with
; --kernel / -kernel runs under Bochs too.  Build it with
;
;     nasm -f bin -DKERNEL='"path/to/bench.bin"' -o bench.img bench/boot.asm
;
; The boot sector is a minimal multiboot loader:
;
;   1. read the kernel, one sector at a time, with the BIOS disk service (int 13h, AH=02h)
;      to KERNEL_BUF (64 KiB at most);
;   2. enable the A20 line, so that addresses at and above 1 MiB are not wrapped to 0;
;   3. enter 32-bit protected mode with a flat GDT;
;   4. check the multiboot header at the start of the kernel, copy load_addr..load_end_addr
;      there (1 MiB for bench.bin), zero up to bss_end_addr, and jump to entry_addr with
;      EAX = 0x2BADB002 and EBX -> a multiboot information structure with no fields set.
;
; Disk layout: sector 1 (CHS 0/0/1) is this boot sector, the kernel follows from sector 2,
; and the rest of the 1,474,560 bytes is zero.  A 1.44 MB floppy has 80 cylinders, 2 heads
; and 18 sectors a track; the loader steps through them in that order.

bits 16
org 0x7C00

%ifndef KERNEL
%error "define KERNEL: nasm -DKERNEL='\"file.bin\"'"
%endif

KERNEL_BUF_SEG  equ 0x1000          ; the kernel is read to 0x1000:0000 = 0x10000
KERNEL_BUF      equ KERNEL_BUF_SEG << 4
SECTORS_PER_TRACK equ 18            ; 1.44 MB floppy geometry
HEADS           equ 2
MB_HEADER_MAGIC equ 0x1BADB002
MB_BOOT_MAGIC   equ 0x2BADB002      ; in EAX at the kernel's entry
MB_HF_AOUT      equ 1 << 16
CR0_PE          equ 1 << 0

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00                  ; the stack grows down from below this sector
    jmp 0:.cs_zero                  ; some BIOSes enter at 07C0:0000: make CS = 0
.cs_zero:
    mov [boot_drive], dl            ; the BIOS passes the boot drive in DL
    sti                             ; the BIOS disk service waits for the floppy IRQ

; 1. Read the kernel: sector 2 onwards, KERNEL_SECTORS of them, to KERNEL_BUF.
    mov ax, KERNEL_BUF_SEG
    mov es, ax                      ; ES:BX = where the next sector goes
    xor bx, bx
    mov cx, 0x0002                  ; CH = cylinder 0, CL = sector 2
    xor dh, dh                      ; head 0
    mov si, KERNEL_SECTORS
.read_sector:
    mov di, 3                       ; tries before giving up
.try:
    mov ax, 0x0201                  ; AH = 02h read, AL = 1 sector
    mov dl, [boot_drive]
    int 0x13                        ; CF set on error
    jnc .read_ok
    xor ah, ah                      ; AH = 00h: reset the drive, then try again
    int 0x13
    dec di
    jnz .try
    mov si, msg_disk_error
    jmp fail
.read_ok:
    mov ax, es                      ; next buffer: 512 bytes = 0x20 paragraphs on
    add ax, 0x20
    mov es, ax
    inc cl                          ; next sector; after the last of a track, the next
    cmp cl, SECTORS_PER_TRACK       ; head, after the last head, the next cylinder
    jbe .same_track
    mov cl, 1
    inc dh
    cmp dh, HEADS
    jb .same_track
    xor dh, dh
    inc ch
.same_track:
    dec si
    jnz .read_sector

; 2. A20 through the "fast A20" bit of system control port A (0x92): bit 1 = A20 on;
;    bit 0 would reset the machine, so it is kept clear.
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al

; 3. Protected mode: load the GDT, set CR0.PE, far-jump to load a 32-bit CS.  Interrupts
;    stay off from here on: there is no protected-mode IDT.
    cli
    lgdt [gdt_ptr]
    mov eax, cr0
    or eax, CR0_PE
    mov cr0, eax
    jmp 0x08:pm32

; Print the string at SI with the BIOS teletype service (int 10h, AH=0Eh) and stop.
fail:
    lodsb
    test al, al
    jz .halt
    mov ah, 0x0E
    xor bx, bx
    int 0x10
    jmp fail
.halt:
    cli
    hlt
    jmp .halt

bits 32
; 4. Load the kernel as its multiboot header says.
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7C00
    mov ebx, KERNEL_BUF             ; the header is at offset 0 of the file (bench.asm
    cmp dword [ebx], MB_HEADER_MAGIC ; puts it there) and must use the a.out kludge
    jne .bad_kernel
    test dword [ebx + 4], MB_HF_AOUT
    jz .bad_kernel
    mov esi, ebx                    ; copy the file: load_addr .. load_end_addr
    mov edi, [ebx + 16]             ; load_addr
    mov ecx, [ebx + 20]             ; load_end_addr
    sub ecx, edi
    cld
    rep movsb
    mov ecx, [ebx + 24]             ; zero the bss: load_end_addr .. bss_end_addr
    sub ecx, edi
    xor eax, eax
    rep stosb
    mov eax, MB_BOOT_MAGIC
    mov edx, [ebx + 28]             ; entry_addr
    mov ebx, mb_info
    jmp edx
.bad_kernel:
    mov esi, msg_bad_kernel         ; no BIOS in protected mode: say it on port 0xE9
.print:
    lodsb
    test al, al
    jz .halt
    out 0xE9, al
    jmp .print
.halt:
    cli
    hlt
    jmp .halt

; ------------------------------------------------------------------------------------

align 8
gdt:
    dq 0                            ; 0x00 null
    dq 0x00CF9A000000FFFF           ; 0x08 code: base 0, limit 4 GiB, 32-bit, execute/read
    dq 0x00CF92000000FFFF           ; 0x10 data: base 0, limit 4 GiB, read/write
gdt_ptr:
    dw gdt_ptr - gdt - 1            ; limit
    dd gdt                          ; base

mb_info:        dd 0                ; multiboot information: flags = 0, nothing provided
boot_drive:     db 0
msg_disk_error: db "boot: disk read error", 0
msg_bad_kernel: db "boot: no a.out-kludge multiboot kernel", 10, 0

    times 510 - ($ - $$) db 0
    dw 0xAA55                       ; the BIOS boots a sector only with this signature

; ------------------------------------------------------------------------------------
; The kernel, from sector 2, and the rest of the floppy.
; ------------------------------------------------------------------------------------

kernel:
    incbin KERNEL
kernel_end:
KERNEL_SECTORS  equ (kernel_end - kernel + 511) / 512
    times -(KERNEL_SECTORS > 128) db 0 ; "TIMES value -1 is negative": kernel over 64 KiB
    times 1474560 - ($ - $$) db 0
