# The report's chart: PV/native per operation (bench/run.sh runs it).
#   gnuplot -e "dat='ratios.dat'; out='ratios.svg'; native=1" bench/ratios.gp
# native=0 (no native kernel yet): the PV hypervisor entries per operation instead.
set terminal svg size 900,480 dynamic font "sans,12" background "white"
set output out
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -30 left nomirror
set ytics nomirror
set grid ytics
set key off
set yrange [0:*]
if (native) {
	set title "Paravane: PV / native time per operation (QEMU TCG, one make bench)"
	set ylabel "PV / native (1.0 = no overhead)"
	set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb "black" front
	plot dat using 3:xtic(2) lc rgb "#3b75af", \
	     '' using 0:3:(sprintf("%.2f", $3)) with labels offset 0,0.7 notitle
} else {
	set title "Paravane PV: hypervisor entries per operation (native kernel missing: no ratios)"
	set ylabel "hypervisor entries per operation"
	plot dat using 4:xtic(2) lc rgb "#c0504d", \
	     '' using 0:4:(sprintf("%.2f", $4)) with labels offset 0,0.7 notitle
}
