; pae.asm -- PAE paging seen from a kernel (Intel SDM vol. 3, 4.4): CPUID's PAE bit, CR4.PAE,
; the three-level walk with 8-byte entries, 2 MiB pages, reserved bits, A/D bits.
;
; The tables: CR3 -> a PDPT of four entries; PDPTE 0 -> one page directory; its PDE 0 maps
; the first 2 MiB as one large page (identity: the test's code and data below 2 MiB stay
; where they are) and PDE 1 -> a page table for 2-4 MiB, identity too, whose PTE for
; ALIAS_LIN instead maps the page the test writes through, ALIAS_PHYS. Checks:
;
;   cpuid_pae                    CPUID.1:EDX bit 6
;   paging_on                    CR0.PG with CR4.PAE: the code goes on running (2 MiB page)
;   alias_read, alias_write      ALIAS_LIN reads and writes ALIAS_PHYS (4 KiB PTE)
;   pte_accessed_dirty           the PTE's A and D after the write; the PDE's A
;   pde_2m_accessed              the 2 MiB PDE's A (the code is fetched through it)
;   notpresent_pf                a not-present PTE: #PF, error 0x2 for a write, CR2
;   rsvd_pf                      bit 40 set in a PTE: #PF with P and RSVD (error 0x9)
;   xd_reserved_pf               bit 63 (XD) set: #PF RSVD too (no NX without EFER.NXE)
;   invlpg_remap                 a PTE changed, INVLPG, the new frame is seen

%include "lib.inc"

PDPT            equ 0x00200000          ; the tables live at 2 MiB, mapped by PT1 below
PD0             equ 0x00201000
PT1             equ 0x00202000          ; page table for 2-4 MiB
ALIAS_LIN       equ 0x00300000
ALIAS_PHYS      equ 0x00310000
OTHER_PHYS      equ 0x00320000
NOTPRESENT_LIN  equ 0x00301000
RSVD_LIN        equ 0x00302000
XD_LIN          equ 0x00303000
CR4_PAE         equ 1 << 5
CR0_PG          equ 1 << 31
PF_P            equ 1 << 0
PF_W            equ 1 << 1
PF_RSVD         equ 1 << 3
PTE_P           equ 1 << 0
PTE_RW          equ 1 << 1
PTE_A           equ 1 << 5
PTE_D           equ 1 << 6
PTE_PS          equ 1 << 7

; PTE1 lin: eax = the address of PT1's entry for lin (2-4 MiB)
%define PTE1(lin) (PT1 + (((lin) - 0x200000) >> 12) * 8)

section .text
test_main:
    mov eax, 1
    cpuid
    and edx, 1 << 6
    CHECK_EQ "cpuid_pae", edx, 1 << 6
    call build_tables
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr0
    or eax, CR0_PG
    mov cr0, eax
    jmp .on                             ; fetched through the 2 MiB page
.on:
    mov eax, cr0
    and eax, CR0_PG
    CHECK_EQ "paging_on", eax, CR0_PG
    mov dword [ALIAS_PHYS + 16], 0      ; through the identity map below 4 MiB
    mov dword [ALIAS_LIN + 16], 0x1234abcd
    CHECK_EQ "alias_write", dword [ALIAS_PHYS + 16], 0x1234abcd
    mov dword [ALIAS_PHYS + 20], 0x5a5a5a5a
    CHECK_EQ "alias_read", dword [ALIAS_LIN + 20], 0x5a5a5a5a
    mov eax, [PTE1(ALIAS_LIN)]
    and eax, PTE_A | PTE_D
    CHECK_EQ "pte_accessed_dirty", eax, PTE_A | PTE_D
    mov eax, [PD0 + 8]
    and eax, PTE_A
    CHECK_EQ "pde_accessed", eax, PTE_A
    mov eax, [PD0]
    and eax, PTE_A
    CHECK_EQ "pde_2m_accessed", eax, PTE_A

    ARM .np_done
.np_store:
    mov dword [NOTPRESENT_LIN], 1
.np_done:
    EXPECT_EXC "notpresent_pf", EXC_PF, PF_W, .np_store
    CHECK_EQ "notpresent_cr2", dword [exc_cr2], NOTPRESENT_LIN

    ARM .rsvd_done
.rsvd_load:
    mov eax, [RSVD_LIN]
.rsvd_done:
    EXPECT_EXC "rsvd_pf", EXC_PF, PF_P | PF_RSVD, .rsvd_load

    ARM .xd_done
.xd_load:
    mov eax, [XD_LIN]
.xd_done:
    EXPECT_EXC "xd_reserved_pf", EXC_PF, PF_P | PF_RSVD, .xd_load

    mov dword [OTHER_PHYS + 16], 0x0badf00d
    mov dword [PTE1(ALIAS_LIN)], OTHER_PHYS | PTE_P | PTE_RW
    invlpg [ALIAS_LIN]
    CHECK_EQ "invlpg_remap", dword [ALIAS_LIN + 16], 0x0badf00d

    mov eax, cr0                        ; paging off again for the library's exit path
    and eax, ~CR0_PG
    mov cr0, eax
    mov eax, cr4
    and eax, ~CR4_PAE
    mov cr4, eax
    ret

; build_tables: PDPT, PD0 and PT1 at 2 MiB, written with paging off.
build_tables:
    mov edi, PDPT
    mov ecx, 3 * 4096 / 4
    xor eax, eax
    rep stosd
    mov dword [PDPT], PD0 | PTE_P       ; PDPTE 0 (no R/W or U/S bits: reserved there)
    mov dword [PD0], 0 | PTE_PS | PTE_P | PTE_RW   ; 0-2 MiB, one large page
    mov dword [PD0 + 8], PT1 | PTE_P | PTE_RW      ; 2-4 MiB through PT1
    mov edi, PT1                        ; PT1: identity for 2-4 MiB
    mov eax, 0x200000 | PTE_P | PTE_RW
    mov ecx, 512
.fill:
    mov [edi], eax
    mov dword [edi + 4], 0
    add eax, 0x1000
    add edi, 8
    loop .fill
    mov dword [PTE1(ALIAS_LIN)], ALIAS_PHYS | PTE_P | PTE_RW
    mov dword [PTE1(NOTPRESENT_LIN)], 0
    mov dword [PTE1(RSVD_LIN) + 4], 1 << (40 - 32)
    mov dword [PTE1(XD_LIN) + 4], 1 << (63 - 32)
    ret

IMAGE_END
