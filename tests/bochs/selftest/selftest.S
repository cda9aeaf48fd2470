/*
 * Throwaway multiboot (v1) kernel that checks the Bochs harness
 * (tests/bochs/run-bochs.sh).  It writes to COM1:
 *
 *   BOCHS-OK
 *   cmdline=[<kernel command line as GRUB passed it>]
 *   mods=<count, hex>
 *   mod0=[<first module's command line>] elf=<1 if it starts with \177ELF>
 *   cpuid1.edx=<hex> ext1.edx=<hex> pae=<0/1> nx=<0/1> apic=<0/1> tsc=<0/1>
 *   segment-limit: #GP=<0/1>
 *   BOCHS-DONE
 *
 * then waits for the UART to drain and writes "Shutdown" to port 0x8900,
 * which ends Bochs.  Build: build.sh OUT_DIR; run and check: check.sh.
 *
 * If the kernel command line contains "hang" it spins forever after BOCHS-OK
 * (to test the harness's timeout); if it contains "triple" it triple-faults
 * (to test that a triple fault ends Bochs instead of rebooting).
 *
 * The segment-limit line checks what the whole Bochs run exists for: a data
 * access past a segment's limit raises #GP (QEMU TCG does not do this).
 */

#define COM1        0x3f8
#define MB_MAGIC    0x1badb002
#define MB_FLAGS    0x00000003      /* page-align modules, want memory info */

        .section .multiboot, "a"
        .balign 4
        .long   MB_MAGIC
        .long   MB_FLAGS
        .long   -(MB_MAGIC + MB_FLAGS)

        .text
        .code32
        .globl  _start
_start:
        cli
        movl    $stack_top, %esp
        movl    %ebx, mbi
        cld

        /* Our own GDT: 0x08 flat code, 0x10 flat data, 0x18 data with
         * limit 0xfff (4 KiB, byte granular). */
        lgdt    gdt_desc
        ljmp    $0x08, $1f
1:      movw    $0x10, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    %ax, %fs
        movw    %ax, %gs

        movl    $s_ok, %esi
        call    puts

        /* Kernel command line (multiboot info flags bit 2, field at +16). */
        movl    mbi, %ebx
        movl    $s_cmdline, %esi
        call    puts
        testl   $4, (%ebx)
        jz      2f
        movl    16(%ebx), %esi
        movl    %esi, cmdline
        call    puts
2:      movl    $s_close_nl, %esi
        call    puts

        /* Test modes. */
        movl    $s_hang, %edi
        call    cmdline_has
        jnc     3f
        movl    $s_hanging, %esi
        call    puts
hang:   jmp     hang
3:      movl    $s_triple, %edi
        call    cmdline_has
        jnc     4f
        movl    $s_tripling, %esi
        call    puts
        call    drain
        lidt    null_idt
        int3                            /* no IDT: #GP -> #DF -> triple */

        /* Modules (flags bit 3, count at +20, list at +24). */
4:      movl    $s_mods, %esi
        call    puts
        xorl    %eax, %eax
        testl   $8, (%ebx)
        jz      5f
        movl    20(%ebx), %eax
5:      movl    %eax, %ecx
        call    puthex
        call    newline
        testl   %ecx, %ecx
        jz      6f
        movl    24(%ebx), %edx          /* struct { start, end, string, 0 } */
        movl    $s_mod0, %esi
        call    puts
        movl    8(%edx), %esi
        call    puts
        movl    $s_elf, %esi
        call    puts
        movl    (%edx), %esi
        xorl    %eax, %eax
        cmpl    $0x464c457f, (%esi)     /* "\177ELF" */
        sete    %al
        call    putbit
        call    newline

        /* CPUID features. */
6:      movl    $1, %eax
        cpuid
        movl    %edx, cpuid1_edx
        movl    $0x80000000, %eax
        cpuid
        xorl    %edx, %edx
        cmpl    $0x80000001, %eax
        jb      7f
        movl    $0x80000001, %eax
        cpuid
7:      movl    %edx, ext1_edx
        movl    $s_cpuid1, %esi
        call    puts
        movl    cpuid1_edx, %eax
        call    puthex
        movl    $s_ext1, %esi
        call    puts
        movl    ext1_edx, %eax
        call    puthex
        movl    $s_pae, %esi
        movl    cpuid1_edx, %eax
        shrl    $6, %eax
        call    putflag
        movl    $s_nx, %esi
        movl    ext1_edx, %eax
        shrl    $20, %eax
        call    putflag
        movl    $s_apic, %esi
        movl    cpuid1_edx, %eax
        shrl    $9, %eax
        call    putflag
        movl    $s_tsc, %esi
        movl    cpuid1_edx, %eax
        shrl    $4, %eax
        call    putflag
        call    newline

        /* Segment limit: read at offset 0x1000 of a segment whose limit is
         * 0xfff.  The #GP handler records the fault and resumes at gp_after. */
        movl    $gp_handler, %eax
        movw    %ax, idt_gp
        shrl    $16, %eax
        movw    %ax, idt_gp + 6
        lidt    idt_desc
        movw    $0x18, %ax
        movw    %ax, %fs
        movl    $0x1000, %eax
        movl    %fs:(%eax), %eax
gp_after:
        movw    $0x10, %ax
        movw    %ax, %fs
        movl    $s_seglimit, %esi
        call    puts
        movl    gp_seen, %eax
        call    putbit
        call    newline

        movl    $s_done, %esi
        call    puts

        call    drain

        /* Shutdown port. */
        movl    $s_shutdown, %esi
        movw    $0x8900, %dx
8:      lodsb
        testb   %al, %al
        jz      9f
        outb    %al, %dx
        jmp     8b
9:      jmp     9b                      /* not reached under Bochs */

/* #GP handler: note it and resume after the faulting instruction. */
gp_handler:
        movl    $1, %ss:gp_seen
        addl    $4, %esp                /* error code */
        movl    $gp_after, (%esp)       /* return EIP */
        iret

/* ---- helpers (clobber eax, esi only unless noted) ---- */

/* putc: %al -> COM1, polling the transmit holding register. */
putc:
        pushl   %edx
        pushl   %eax
        movw    $COM1 + 5, %dx
1:      inb     %dx, %al
        testb   $0x20, %al
        jz      1b
        popl    %eax
        movw    $COM1, %dx
        outb    %al, %dx
        popl    %edx
        ret

/* puts: NUL-terminated string at %esi. */
puts:
1:      lodsb
        testb   %al, %al
        jz      2f
        call    putc
        jmp     1b
2:      ret

/* drain: wait until the UART has sent everything (LSR bit 6, transmitter
 * empty).  Bochs drops what is still in the UART when it exits. */
drain:
        pushl   %edx
        movw    $COM1 + 5, %dx
1:      inb     %dx, %al
        testb   $0x40, %al
        jz      1b
        popl    %edx
        ret

newline:
        movb    $'\n', %al
        jmp     putc

/* puthex: %eax as 8 hex digits. */
puthex:
        pushl   %ecx
        pushl   %edx
        movl    %eax, %edx
        movl    $8, %ecx
1:      roll    $4, %edx
        movl    %edx, %eax
        andl    $15, %eax
        movb    hexdigits(%eax), %al
        call    putc
        loop    1b
        popl    %edx
        popl    %ecx
        ret

/* putbit: '0' or '1' from bit 0 of %eax. */
putbit:
        andl    $1, %eax
        addb    $'0', %al
        jmp     putc

/* putflag: label at %esi, then bit 0 of %eax. */
putflag:
        pushl   %eax
        call    puts
        popl    %eax
        jmp     putbit

/* cmdline_has: CF=1 if the kernel command line contains the string at %edi. */
cmdline_has:
        pushl   %ebx
        pushl   %ecx
        movl    cmdline, %ebx
        testl   %ebx, %ebx
        jz      4f
1:      xorl    %ecx, %ecx
2:      movb    (%edi,%ecx), %al
        testb   %al, %al
        jz      3f                      /* whole needle matched */
        cmpb    (%ebx,%ecx), %al
        jne     5f
        incl    %ecx
        jmp     2b
5:      cmpb    $0, (%ebx)
        je      4f
        incl    %ebx
        jmp     1b
3:      stc
        jmp     6f
4:      clc
6:      popl    %ecx
        popl    %ebx
        ret

        .section .rodata
hexdigits:  .ascii  "0123456789abcdef"
s_ok:       .asciz  "BOCHS-OK\n"
s_cmdline:  .asciz  "cmdline=["
s_close_nl: .asciz  "]\n"
s_hang:     .asciz  "hang"
s_hanging:  .asciz  "hanging\n"
s_triple:   .asciz  "triple"
s_tripling: .asciz  "triple-faulting\n"
s_mods:     .asciz  "mods="
s_mod0:     .asciz  "mod0=["
s_elf:      .asciz  "] elf="
s_cpuid1:   .asciz  "cpuid1.edx="
s_ext1:     .asciz  " ext1.edx="
s_pae:      .asciz  " pae="
s_nx:       .asciz  " nx="
s_apic:     .asciz  " apic="
s_tsc:      .asciz  " tsc="
s_seglimit: .asciz  "segment-limit: #GP="
s_done:     .asciz  "BOCHS-DONE\n"
s_shutdown: .asciz  "Shutdown"

        .data
        .balign 8
gdt:
        .quad   0
        .quad   0x00cf9a000000ffff      /* 0x08: code, base 0, 4 GiB */
        .quad   0x00cf92000000ffff      /* 0x10: data, base 0, 4 GiB */
        .quad   0x0040920000000fff      /* 0x18: data, base 0, limit 0xfff */
gdt_end:
gdt_desc:
        .word   gdt_end - gdt - 1
        .long   gdt

        .balign 8
idt:
        .fill   13, 8, 0
idt_gp: /* vector 13 (#GP): 32-bit interrupt gate; offset filled in at run time */
        .word   0                       /* offset 15:0 */
        .word   0x08
        .byte   0
        .byte   0x8e
        .word   0                       /* offset 31:16 */
idt_end:
idt_desc:
        .word   idt_end - idt - 1
        .long   idt
null_idt:
        .word   0
        .long   0

gp_seen:    .long   0
mbi:        .long   0
cmdline:    .long   0
cpuid1_edx: .long   0
ext1_edx:   .long   0

        .bss
        .balign 16
stack:      .skip   4096
stack_top:
