# R survey rake() on the raking benchmark's data: Rscript bench/rake.R DATA.csv MARGINS.csv OUT.csv
# Prints the seconds rake() took (not reading) and writes the raked weights of the first 1000 rows.
suppressMessages({ library(survey); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
d <- fread(args[1], data.table = FALSE)
m <- fread(args[2], data.table = FALSE)
d$a <- factor(d$a); d$b <- factor(d$b); d$c <- factor(d$c)
des <- svydesign(ids = ~1, weights = ~w, data = d)
pops <- lapply(c("a", "b", "c"), function(v) { x <- m[m$variable == v, ]; out <- data.frame(x$category, x$total); names(out) <- c(v, "Freq"); out })
t <- system.time(r <- rake(des, list(~a, ~b, ~c), pops, control = list(epsilon = 1e-12, maxit = 1000)))
cat(sprintf("%.3f\n", t[["elapsed"]]))
write.csv(data.frame(w = sprintf("%.17g", weights(r)[1:1000])), args[3], row.names = FALSE)
