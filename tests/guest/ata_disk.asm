; ata_disk.asm -- the disk image ata.asm reads: 64 sectors, where dword i of sector n
; holds (n << 16) | i, so any misplaced byte shows. Build: nasm -f bin -o ata.img
%assign n 0
%rep 64
%assign i 0
%rep 128
    dd (n << 16) | i
%assign i i + 1
%endrep
%assign n n + 1
%endrep
