# Sums xunit (trx) and Pester (json) counts and prints the one line CI reads: "N passed, N failed".
param([Parameter(Mandatory)][string]$ResultsPath)
$passed = 0; $failed = 0; $skipped = 0
foreach ($trx in Get-ChildItem -Path $ResultsPath -Filter *.trx -Recurse) {
    $c = ([xml](Get-Content -Raw $trx.FullName)).TestRun.ResultSummary.Counters
    $passed += [int]$c.passed
    $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    $skipped += [int]$c.notExecuted
}
$pesterFile = Join-Path $ResultsPath 'pester.json'
if (Test-Path $pesterFile) {
    $p = Get-Content -Raw $pesterFile | ConvertFrom-Json
    $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped
} else {
    Write-Host 'Pester results missing: counted as one failure'
    $failed += 1
}
if ($passed + $failed -eq 0) { $failed = 1; Write-Host 'no test ran' }
"$passed passed, $failed failed" + $(if ($skipped) { ", $skipped skipped" } else { '' })
exit ([int]($failed -gt 0))
