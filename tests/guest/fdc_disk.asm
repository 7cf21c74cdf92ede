; fdc_disk.asm -- the 1.44 MB diskette fdc.asm reads: in its first 40 sectors, dword i of
; sector n (LBA) holds 0xF0000000 | (n << 16) | i; zeros after. Build: nasm -f bin
%assign n 0
%rep 40
%assign i 0
%rep 128
    dd 0xF0000000 | (n << 16) | i
%assign i i + 1
%endrep
%assign n n + 1
%endrep
    times 2880 * 512 - ($ - $$) db 0
