# Given JKn replicate weights with their rscales, as R survey uses them (issue 20).
# Rscript given-jkn.R OUTDIR : writes OUTDIR/apistrat-jkn.csv (apistrat with weights repw1..repwR),
# OUTDIR/rscales.txt (comma-separated) and OUTDIR/reference.csv (svymean and svytotal with their SEs).
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
apistrat <- read.csv(file.path(here, "..", "fixtures", "r-survey", "apistrat.csv"))
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
jk <- as.svrepdesign(dstrat, type = "JKn", compress = FALSE)
rw <- weights(jk, type = "analysis")
rw <- matrix(as.numeric(unclass(rw)), nrow = nrow(apistrat))
colnames(rw) <- paste0("repw", seq_len(ncol(rw)))
write.csv(cbind(apistrat, rw), file.path(out, "apistrat-jkn.csv"), row.names = FALSE)
writeLines(paste(formatC(jk$rscales, digits = 17, format = "g"), collapse = ","), file.path(out, "rscales.txt"))
# The design R builds from the given columns and rscales, as a user with only the file would.
given <- svrepdesign(data = cbind(apistrat, rw), weights = ~pw, repweights = "repw[0-9]+", type = "JKn", combined.weights = TRUE, rscales = jk$rscales, scale = 1, mse = FALSE)
m <- svymean(~api00, given); t <- svytotal(~enroll, given)
ref <- data.frame(stat = c("mean", "total"), estimate = c(coef(m)[[1]], coef(t)[[1]]), se = c(SE(m)[[1]], SE(t)[[1]]))
write.csv(transform(ref, estimate = formatC(estimate, digits = 17, format = "g"), se = formatC(se, digits = 17, format = "g")), file.path(out, "reference.csv"), row.names = FALSE)
