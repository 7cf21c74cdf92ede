; ata.asm -- the primary ATA channel in PIO mode, seen from a kernel (ATA/ATAPI-6, clauses
; 7-9), on a 64-sector disk (ata_disk.asm: dword i of sector n holds (n << 16) | i),
; given as --hda. Checks:
;
;   identify_ata, identify_lba28_sectors   IDENTIFY DEVICE: word 0 bit 15 clear (ATA),
;   identify_lba48, identify_lba48_sectors words 60-61, word 83 bit 10, words 100-103
;   read_lba5_first, read_lba5_last        READ SECTORS (LBA28) of one sector
;   read3_sector_n                         three sectors in one command, one DRQ block each
;   read_chs                               READ SECTORS with CHS addressing (C0 H0 S1 = LBA 0)
;   write_readback                         WRITE SECTORS, then READ SECTORS of the same LBA
;   read_ext_lba9                          READ SECTORS EXT (LBA48: high bytes written first)
;   multiple_set, read_multiple            SET MULTIPLE 4; READ MULTIPLE of 8 sectors in two
;                                          DRQ blocks of 4
;   read_past_end_err, read_past_end_idnf  LBA 64 does not exist: ERR, IDNF in the error
;   unknown_command_abrt                   an opcode the disk does not have: ERR, ABRT
;   irq14_per_sector, status_read_acks     nIEN = 0: IRQ 14 (slave PIC IR6) once per DRQ
;                                          block; reading the status register acknowledges
;   srst_signature                         a soft reset through the device control register
;                                          leaves the ATA signature (count 1, LBA 1, 0, 0)

%include "lib.inc"

ATA_DATA        equ 0x1F0
ATA_ERROR       equ 0x1F1
ATA_COUNT       equ 0x1F2
ATA_LBA0        equ 0x1F3
ATA_LBA1        equ 0x1F4
ATA_LBA2        equ 0x1F5
ATA_DEVICE      equ 0x1F6
ATA_STATUS      equ 0x1F7                ; read: status; write: command
ATA_CTRL        equ 0x3F6                ; read: alternate status; write: device control
ST_BSY          equ 0x80
ST_DRDY         equ 0x40
ST_DRQ          equ 0x08
ST_ERR          equ 0x01
ER_ABRT         equ 0x04
ER_IDNF         equ 0x10
CTRL_NIEN       equ 0x02
CTRL_SRST       equ 0x04
DEV_LBA         equ 0xE0                 ; master, LBA addressing
DEV_CHS         equ 0xA0                 ; master, CHS addressing

CMD_READ        equ 0x20
CMD_READ_EXT    equ 0x24
CMD_WRITE       equ 0x30
CMD_READ_MULT   equ 0xC4
CMD_SET_MULT    equ 0xC6
CMD_IDENTIFY    equ 0xEC
CMD_BOGUS       equ 0x8F                 ; not a command this disk knows

DISK_SECTORS    equ 64

PIC1_CMD        equ 0x20
PIC1_DATA       equ 0x21
PIC2_CMD        equ 0xA0
PIC2_DATA       equ 0xA1
VEC_IRQ14       equ 0x28 + 6

section .text
test_main:
    SET_IDT VEC_IRQ14, SEL_KCODE, irq14_handler, ACC_INTGATE
    call pic_remap
    mov dx, ATA_CTRL
    mov al, CTRL_NIEN                   ; polled until the interrupt check
    out dx, al
    call check_identify
    call check_reads
    call check_write
    call check_ext
    call check_multiple
    call check_errors
    call check_irq
    call check_reset
    ret

; wait_ready: until BSY clears; eax = the (alternate) status
wait_ready:
    mov dx, ATA_CTRL
.spin:
    in al, dx
    test al, ST_BSY
    jnz .spin
    movzx eax, al
    ret

; lba28 eax = LBA, cl = count, bl = command: set up and issue
issue_lba28:
    push eax
    call wait_ready
    pop eax
    mov dx, ATA_COUNT
    push eax
    mov al, cl
    out dx, al
    pop eax
    mov dx, ATA_LBA0
    out dx, al
    shr eax, 8
    mov dx, ATA_LBA1
    out dx, al
    shr eax, 8
    mov dx, ATA_LBA2
    out dx, al
    shr eax, 8
    and al, 0x0F
    or al, DEV_LBA
    mov dx, ATA_DEVICE
    out dx, al
    mov dx, ATA_STATUS
    mov al, bl
    out dx, al
    ret

; read_block edi = buffer: wait for DRQ, then 256 words; eax = status before the data
read_block:
    call wait_ready
    push eax
    mov dx, ATA_DATA
    mov ecx, 256
    rep insw
    pop eax
    ret

check_identify:
    mov eax, 0
    mov cl, 0
    mov bl, CMD_IDENTIFY
    call issue_lba28
    mov edi, buf
    call read_block
    movzx eax, word [buf + 0]
    CHECK_MASK "identify_ata", eax, 0x8000, 0
    mov eax, [buf + 60 * 2]
    CHECK_EQ "identify_lba28_sectors", eax, DISK_SECTORS
    movzx eax, word [buf + 83 * 2]
    CHECK_MASK "identify_lba48", eax, 0x0400, 0x0400
    mov eax, [buf + 100 * 2]
    CHECK_EQ "identify_lba48_sectors", eax, DISK_SECTORS
    ret

check_reads:
    mov eax, 5
    mov cl, 1
    mov bl, CMD_READ
    call issue_lba28
    mov edi, buf
    call read_block
    CHECK_EQ "read_lba5_first", dword [buf], 0x00050000
    CHECK_EQ "read_lba5_last", dword [buf + 508], 0x0005007F
    mov eax, 10
    mov cl, 3
    mov bl, CMD_READ
    call issue_lba28
    mov edi, buf
    call read_block
    call read_block
    call read_block
    CHECK_EQ "read3_sector_10", dword [buf + 4], 0x000A0001
    CHECK_EQ "read3_sector_12", dword [buf + 2 * 512 + 4], 0x000C0001
    ; CHS: cylinder 0, head 0, sector 1 is LBA 0
    call wait_ready
    mov dx, ATA_COUNT
    mov al, 1
    out dx, al
    mov dx, ATA_LBA0                    ; sector number
    out dx, al
    xor al, al
    mov dx, ATA_LBA1                    ; cylinder low
    out dx, al
    mov dx, ATA_LBA2                    ; cylinder high
    out dx, al
    mov dx, ATA_DEVICE
    mov al, DEV_CHS
    out dx, al
    mov dx, ATA_STATUS
    mov al, CMD_READ
    out dx, al
    mov edi, buf
    call read_block
    CHECK_EQ "read_chs", dword [buf + 8], 0x00000002
    ret

check_write:
    mov ecx, 128                        ; fill buf with 0xBEEF0000 | i
    xor ebx, ebx
.fill:
    lea eax, [ebx + 0xBEEF0000]
    mov [buf + 4 * ebx], eax
    inc ebx
    loop .fill
    mov eax, 20
    mov cl, 1
    mov bl, CMD_WRITE
    call issue_lba28
    call wait_ready
    mov esi, buf
    mov dx, ATA_DATA
    mov ecx, 256
    rep outsw
    call wait_ready
    mov dword [buf + 12], 0             ; forget it, then read it back
    mov eax, 20
    mov cl, 1
    mov bl, CMD_READ
    call issue_lba28
    mov edi, buf
    call read_block
    CHECK_EQ "write_readback", dword [buf + 12], 0xBEEF0003
    ret

; READ SECTORS EXT: each register takes the high byte, then the low byte.
check_ext:
    call wait_ready
    xor al, al
    mov dx, ATA_COUNT                   ; count 15:8
    out dx, al
    inc dx                              ; LBA 31:24
    out dx, al
    inc dx                              ; LBA 39:32
    out dx, al
    inc dx                              ; LBA 47:40
    out dx, al
    mov dx, ATA_COUNT
    mov al, 1                           ; count 7:0
    out dx, al
    inc dx
    mov al, 9                           ; LBA 7:0
    out dx, al
    xor al, al
    inc dx
    out dx, al
    inc dx
    out dx, al
    mov dx, ATA_DEVICE
    mov al, 0x40                        ; LBA bit, master
    out dx, al
    mov dx, ATA_STATUS
    mov al, CMD_READ_EXT
    out dx, al
    mov edi, buf
    call read_block
    CHECK_EQ "read_ext_lba9", dword [buf + 16], 0x00090004
    ret

check_multiple:
    mov eax, 0
    mov cl, 4
    mov bl, CMD_SET_MULT
    call issue_lba28
    call wait_ready
    CHECK_MASK "multiple_set", eax, ST_ERR, 0
    mov eax, 30
    mov cl, 8
    mov bl, CMD_READ_MULT
    call issue_lba28
    ; two blocks of 4 sectors (1024 words each)
    call wait_ready
    mov edi, buf
    mov dx, ATA_DATA
    mov ecx, 1024
    rep insw
    call wait_ready
    CHECK_MASK "read_multiple_second_block", eax, ST_DRQ, ST_DRQ
    mov dx, ATA_DATA
    mov ecx, 1024
    rep insw
    CHECK_EQ "read_multiple_sector_37", dword [buf + 7 * 512], 0x00250000
    ret

check_errors:
    mov eax, DISK_SECTORS
    mov cl, 1
    mov bl, CMD_READ
    call issue_lba28
    call wait_ready
    CHECK_MASK "read_past_end_err", eax, ST_ERR | ST_DRQ, ST_ERR
    mov dx, ATA_ERROR
    in al, dx
    movzx eax, al
    CHECK_MASK "read_past_end_idnf", eax, ER_IDNF, ER_IDNF
    mov eax, 0
    mov cl, 1
    mov bl, CMD_BOGUS
    call issue_lba28
    call wait_ready
    CHECK_MASK "unknown_command_err", eax, ST_ERR, ST_ERR
    mov dx, ATA_ERROR
    in al, dx
    movzx eax, al
    CHECK_MASK "unknown_command_abrt", eax, ER_ABRT, ER_ABRT
    ret

; Interrupts: IRQ 14 is the slave PIC's IR6, cascaded through the master's IR2.
check_irq:
    mov al, 0xFB                        ; master: only the cascade
    out PIC1_DATA, al
    mov al, 0xBF                        ; slave: only IR6
    out PIC2_DATA, al
    mov dx, ATA_CTRL
    xor al, al                          ; nIEN = 0
    out dx, al
    mov dword [irq14_count], 0
    mov eax, 40
    mov cl, 2
    mov bl, CMD_READ
    call issue_lba28
    sti
    call wait_irq                       ; block 1
    mov edi, buf
    mov dx, ATA_DATA
    mov ecx, 256
    rep insw
    call wait_irq                       ; block 2
    mov dx, ATA_DATA
    mov ecx, 256
    rep insw
    mov ecx, 1000                       ; no third interrupt after the last block
.idle:
    loop .idle
    cli
    CHECK_EQ "irq14_per_sector", dword [irq14_count], 2
    CHECK_EQ "irq14_data", dword [buf + 512 + 4], 0x00290001
    mov dx, ATA_CTRL
    mov al, CTRL_NIEN
    out dx, al
    mov al, 0xFF
    out PIC1_DATA, al
    out PIC2_DATA, al
    ret

; wait_irq: until irq14_count grows (bounded)
wait_irq:
    mov ebx, [irq14_count]
    mov ecx, 1000000
.spin:
    cmp [irq14_count], ebx
    jne .done
    loop .spin
.done:
    ret

check_reset:
    mov dx, ATA_CTRL
    mov al, CTRL_SRST | CTRL_NIEN
    out dx, al
    mov al, CTRL_NIEN
    out dx, al
    call wait_ready
    xor ebx, ebx
    mov dx, ATA_COUNT
    in al, dx
    mov bl, al
    shl ebx, 8
    inc dx
    in al, dx
    mov bl, al
    shl ebx, 8
    inc dx
    in al, dx
    mov bl, al
    shl ebx, 8
    inc dx
    in al, dx
    mov bl, al
    CHECK_EQ "srst_signature", ebx, 0x01010000
    ret

irq14_handler:
    push eax
    push edx
    mov dx, ATA_STATUS                  ; acknowledges the device's interrupt
    in al, dx
    inc dword [irq14_count]
    mov al, 0x20
    out PIC2_CMD, al
    out PIC1_CMD, al
    pop edx
    pop eax
    iretd

section .data
align 4
irq14_count: dd 0

section .bss
align 4
buf: resb 8 * 512

IMAGE_END
