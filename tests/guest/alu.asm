; alu.asm -- a short sanity check of ordinary 32-bit instructions.
;
; Not an exhaustive ALU test (tests/conformance runs published test vectors for that):
; one or two known results per instruction family that the other guest tests and the
; library themselves lean on, so that a broken basic instruction shows up here, by name,
; rather than as a mysterious failure in exceptions.asm.  References are to the Intel SDM
; vol. 2 instruction pages; CPUID and RDTSC are only checked for what every CPU that
; has them must do (vol. 2 CPUID: leaf 0; vol. 3 "Time-Stamp Counter": it increments).

%include "lib.inc"

section .text
test_main:
    call t_add_flags
    call t_mul_div
    call t_shifts
    call t_bits
    call t_atomics
    call t_strings
    call t_enter
    call t_extend_setcc_cmov
    call t_bcd
    call t_cpuid
    call t_rdtsc
    ret

; ADD/ADC/SUB/SBB and the arithmetic flags.
t_add_flags:
    mov eax, 0xFFFFFFFF
    add eax, 1                      ; 0, carry out, zero
    pushfd
    pop ebx
    CHECK_EQ "add_wraps_to_zero", eax, 0
    CHECK_MASK "add_sets_cf_zf", ebx, EFL_CF | EFL_ZF | EFL_SF | EFL_OF, EFL_CF | EFL_ZF
    mov eax, 0x7FFFFFFF
    add eax, 1                      ; signed overflow
    pushfd
    pop ebx
    CHECK_MASK "add_sets_of_sf", ebx, EFL_CF | EFL_ZF | EFL_SF | EFL_OF, EFL_SF | EFL_OF
    stc
    mov eax, 5
    adc eax, 10                     ; 5 + 10 + CF
    CHECK_EQ "adc_adds_carry", eax, 16
    stc
    mov eax, 5
    sbb eax, 10                     ; 5 - 10 - 1 = -6, borrow
    pushfd
    pop ebx
    CHECK_EQ "sbb_result", eax, -6
    CHECK_MASK "sbb_sets_cf", ebx, EFL_CF, EFL_CF
    ret

t_mul_div:
    mov eax, 0xFFFFFFFF
    mov ecx, 0xFFFFFFFF
    mul ecx                         ; (2^32 - 1)^2 = 0xFFFFFFFE_00000001
    CHECK_EQ "mul_low", eax, 0x00000001
    CHECK_EQ "mul_high", edx, 0xFFFFFFFE
    mov ecx, 6
    imul eax, ecx, -7               ; three-operand IMUL
    CHECK_EQ "imul3_result", eax, -42
    mov ecx, 0x10000
    imul eax, ecx, 0x10000          ; 2^32 does not fit: CF = OF = 1
    pushfd
    pop ebx
    CHECK_EQ "imul3_truncates", eax, 0
    CHECK_MASK "imul3_overflow_flags", ebx, EFL_CF | EFL_OF, EFL_CF | EFL_OF
    mov edx, 0x0000000A
    mov eax, 0x00000005             ; EDX:EAX = 0xA_00000005
    mov ecx, 0x10
    div ecx
    CHECK_EQ "div_quotient", eax, 0xA0000000
    CHECK_EQ "div_remainder", edx, 5
    mov eax, -100
    cdq
    mov ecx, 7
    idiv ecx                        ; truncates toward zero: -14 rem -2
    CHECK_EQ "idiv_quotient", eax, -14
    CHECK_EQ "idiv_remainder", edx, -2
    ret

t_shifts:
    mov eax, 0x12345678
    mov ebx, 0x9ABCDEF0
    shld eax, ebx, 8                ; EAX << 8, low bits from the top of EBX
    CHECK_EQ "shld_result", eax, 0x3456789A
    mov eax, 0x12345678
    shrd eax, ebx, 12               ; EAX >> 12, high bits from the bottom of EBX
    CHECK_EQ "shrd_result", eax, 0xEF012345
    mov eax, 0x80000000
    sar eax, 4
    CHECK_EQ "sar_keeps_sign", eax, 0xF8000000
    mov eax, 0x80000001
    rol eax, 1
    CHECK_EQ "rol_result", eax, 0x00000003
    stc
    mov eax, 0x40000000
    rcl eax, 2                      ; 0100..0 C=1 -> 1000..01 C=0 -> 0..010 C=1
    pushfd
    pop ebx
    CHECK_EQ "rcl_result", eax, 0x00000002
    CHECK_MASK "rcl_carry_out", ebx, EFL_CF, EFL_CF
    ret

t_bits:
    mov ecx, 0x00F00000
    bsf eax, ecx
    CHECK_EQ "bsf_lowest_set", eax, 20
    bsr eax, ecx
    CHECK_EQ "bsr_highest_set", eax, 23
    xor ecx, ecx
    bsf eax, ecx                    ; source 0: ZF = 1, destination undefined
    pushfd
    pop ebx
    CHECK_MASK "bsf_zero_sets_zf", ebx, EFL_ZF, EFL_ZF
    mov eax, 0x12345678
    bswap eax
    CHECK_EQ "bswap_result", eax, 0x78563412
    mov eax, 0x0000F0F0
    bt eax, 4
    setc bl
    movzx ebx, bl
    CHECK_EQ "bt_reads_bit", ebx, 1
    bts eax, 0
    CHECK_EQ "bts_sets_bit", eax, 0x0000F0F1
    ret

; XADD, CMPXCHG and CMPXCHG8B: the building blocks of every lock in a teaching kernel.
t_atomics:
    mov dword [mem_a], 10
    mov eax, 5
    lock xadd [mem_a], eax          ; mem = 15, EAX = old mem
    CHECK_EQ "xadd_returns_old", eax, 10
    CHECK_EQ "xadd_stores_sum", dword [mem_a], 15
    mov dword [mem_a], 10
    mov eax, 10
    mov ecx, 99
    lock cmpxchg [mem_a], ecx       ; equal: store ECX, ZF = 1
    pushfd
    pop ebx
    CHECK_EQ "cmpxchg_equal_stores", dword [mem_a], 99
    CHECK_MASK "cmpxchg_equal_zf", ebx, EFL_ZF, EFL_ZF
    mov eax, 10
    lock cmpxchg [mem_a], ecx       ; not equal: EAX = mem, ZF = 0
    pushfd
    pop ebx
    CHECK_EQ "cmpxchg_differ_loads", eax, 99
    CHECK_MASK "cmpxchg_differ_zf", ebx, EFL_ZF, 0
    mov dword [mem_q], 0x11111111
    mov dword [mem_q + 4], 0x22222222
    mov eax, 0x11111111
    mov edx, 0x22222222
    mov ebx, 0x33333333
    mov ecx, 0x44444444
    lock cmpxchg8b [mem_q]          ; equal: mem = ECX:EBX
    pushfd
    pop esi
    CHECK_EQ "cmpxchg8b_stores_low", dword [mem_q], 0x33333333
    CHECK_EQ "cmpxchg8b_stores_high", dword [mem_q + 4], 0x44444444
    CHECK_MASK "cmpxchg8b_equal_zf", esi, EFL_ZF, EFL_ZF
    xor eax, eax
    xor edx, edx
    cmpxchg8b [mem_q]               ; not equal: EDX:EAX = mem
    pushfd
    pop esi
    CHECK_EQ "cmpxchg8b_loads_low", eax, 0x33333333
    CHECK_EQ "cmpxchg8b_loads_high", edx, 0x44444444
    CHECK_MASK "cmpxchg8b_differ_zf", esi, EFL_ZF, 0
    ret

t_strings:
    cld
    mov esi, str_src
    mov edi, str_dst
    mov ecx, 16
    rep movsd
    CHECK_EQ "rep_movsd_count", ecx, 0
    CHECK_EQ "rep_movsd_esi", esi, str_src + 64
    CHECK_EQ "rep_movsd_edi", edi, str_dst + 64
    CHECK_EQ "rep_movsd_first", dword [str_dst], 0x03020100
    CHECK_EQ "rep_movsd_last", dword [str_dst + 60], 0x3F3E3D3C
    mov edi, str_dst
    mov ecx, 37
    mov al, 0x5A
    rep stosb
    CHECK_EQ "rep_stosb_edi", edi, str_dst + 37
    CHECK_EQ "rep_stosb_filled", dword [str_dst + 33], 0x5A5A5A5A
    CHECK_EQ "rep_stosb_stops", dword [str_dst + 37], 0x28272625
    mov esi, str_src + 63
    mov edi, str_dst + 63
    mov ecx, 4
    std                             ; backwards: DF = 1 decrements
    rep movsb
    cld
    CHECK_EQ "rep_movsb_backwards_esi", esi, str_src + 59
    mov edi, str_src
    mov ecx, 64
    mov al, 0x2A
    repne scasb                     ; find byte 0x2A (at index 42)
    CHECK_EQ "repne_scasb_finds", edi, str_src + 43
    CHECK_EQ "repne_scasb_count", ecx, 64 - 43
    ret

; ENTER with nesting level 2 [vol. 1 6.5: procedure calls for block-structured
; languages]: push EBP; copy one outer frame pointer from [EBP - 4]; push the new frame
; pointer; EBP = new frame; reserve the locals.
t_enter:
    push ebp
    mov ebp, fake_outer_frame       ; [EBP - 4] holds the display entry to copy
    mov esi, esp                    ; ESP before ENTER
    enter 16, 2
    mov ebx, ebp
    mov ecx, esp
    mov edx, [ebp - 4]              ; copied display entry
    mov edi, [ebp - 8]              ; the new frame pointer itself
    leave
    pop ebp
    lea eax, [esi - 4]
    CHECK_EQ "enter_ebp", ebx, eax
    lea eax, [esi - 28]             ; 3 dwords pushed + 16 bytes of locals
    CHECK_EQ "enter_esp", ecx, eax
    CHECK_EQ "enter_copies_display", edx, 0xAAAA1111
    lea eax, [esi - 4]
    CHECK_EQ "enter_pushes_frame", edi, eax
    ret

t_extend_setcc_cmov:
    mov ecx, 0x80
    movzx eax, cl
    CHECK_EQ "movzx_byte", eax, 0x80
    movsx eax, cl
    CHECK_EQ "movsx_byte", eax, 0xFFFFFF80
    mov cx, 0x8001
    movsx eax, cx
    CHECK_EQ "movsx_word", eax, 0xFFFF8001
    mov eax, 3
    cmp eax, 5
    setl bl                         ; signed 3 < 5
    setg bh
    setb cl                         ; unsigned 3 < 5
    movzx eax, bx
    CHECK_EQ "setl_setg", eax, 0x0001
    movzx eax, cl
    CHECK_EQ "setb", eax, 1
    mov eax, -1
    cmp eax, 1
    seta bl                         ; unsigned 0xFFFFFFFF > 1
    setl bh                         ; signed -1 < 1
    movzx eax, bx
    CHECK_EQ "seta_setl_signedness", eax, 0x0101
    mov eax, 1
    mov ebx, 2
    mov ecx, 3
    cmp eax, ebx
    cmovl eax, ecx                  ; taken
    cmovg ebx, ecx                  ; not taken
    CHECK_EQ "cmovl_taken", eax, 3
    CHECK_EQ "cmovg_not_taken", ebx, 2
    ret

; Packed and unpacked BCD adjustments (vol. 2: DAA, DAS, AAM, AAD).
t_bcd:
    mov al, 0x38
    add al, 0x45                    ; 0x7D
    daa                             ; 38 + 45 = 83
    movzx eax, al
    CHECK_EQ "daa_result", eax, 0x83
    mov al, 0x83
    sub al, 0x45                    ; 0x3E
    das                             ; 83 - 45 = 38
    movzx eax, al
    CHECK_EQ "das_result", eax, 0x38
    mov eax, 63
    aam                             ; AH = 6, AL = 3
    movzx eax, ax
    CHECK_EQ "aam_result", eax, 0x0603
    mov eax, 0x0603
    aad                             ; AL = 6 * 10 + 3, AH = 0
    movzx eax, ax
    CHECK_EQ "aad_result", eax, 63
    ret

; CPUID leaf 0: the highest standard leaf and 12 vendor bytes in EBX, EDX, ECX.
t_cpuid:
    xor eax, eax
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    cmp eax, 1
    jae .leaf_ok
    CHECK_EQ "cpuid_max_leaf_ge_1", eax, 1
    jmp .vendor
.leaf_ok:
    PASS "cpuid_max_leaf_ge_1"
.vendor:
    mov esi, vendor                 ; every vendor byte is printable ASCII
    mov ecx, 12
.byte:
    lodsb
    cmp al, 0x20
    jb .bad
    cmp al, 0x7E
    ja .bad
    loop .byte
    PASS "cpuid_vendor_printable"
    PRINT "info: cpu vendor "
    mov esi, vendor
    call print_str
    mov al, 10
    call print_char
    ret
.bad:
    FAIL "cpuid_vendor_printable", "non-printable byte in the vendor string"
    ret

; RDTSC: the counter moves forward (lab86 derives it from virtual cycles).
t_rdtsc:
    rdtsc
    mov esi, eax
    mov edi, edx
    mov ecx, 100
.spin:
    loop .spin
    rdtsc
    sub eax, esi
    sbb edx, edi                    ; EDX:EAX = later - earlier
    jb .bad
    or eax, edx
    jz .bad
    PASS "rdtsc_increments"
    ret
.bad:
    FAIL "rdtsc_increments", "second RDTSC not greater than the first"
    ret

section .data
align 4
mem_a:      dd 0
mem_q:      dq 0
vendor:     times 13 db 0
str_src:
%assign b 0
%rep 64
            db b
%assign b b + 1
%endrep
            dd 0xAAAA1111           ; [fake_outer_frame - 4]
fake_outer_frame:
            dd 0

section .bss
str_dst:    resb 64
