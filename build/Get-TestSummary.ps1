# Sums xunit (trx) and Pester (json) counts and prints the one line CI reads: "N passed, N failed".
param([Parameter(Mandatory)][string]$ResultsPath)
$passed = 0; $failed = 0; $skipped = 0
# Failed tests are listed just above the count: CI keeps only the end of the log.
$failures = [System.Collections.Generic.List[object]]::new()
foreach ($trx in Get-ChildItem -Path $ResultsPath -Filter *.trx -Recurse) {
    $c = ([xml](Get-Content -Raw $trx.FullName)).TestRun.ResultSummary.Counters
    $passed += [int]$c.passed
    $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    $skipped += [int]$c.notExecuted
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    foreach ($r in Select-Xml -Path $trx.FullName -Namespace $ns -XPath "//t:UnitTestResult[@outcome='Failed']") {
        $failures.Add(@{ Name = $r.Node.testName; Error = "$($r.Node.Output.ErrorInfo.Message)" })
    }
}
$pesterFile = Join-Path $ResultsPath 'pester.json'
if (Test-Path $pesterFile) {
    $p = Get-Content -Raw $pesterFile | ConvertFrom-Json
    $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped
    foreach ($f in @($p.Failures)) { if ($f) { $failures.Add($f) } }
} else {
    Write-Host 'Pester results missing: counted as one failure'
    $failed += 1
}
foreach ($f in $failures) {
    $firstLine = ("$($f.Error)" -split "`r?`n" | Where-Object { $_.Trim() } | Select-Object -First 1)
    Write-Host "FAILED: $($f.Name)"
    if ($firstLine) { Write-Host "        $($firstLine.Trim())" }
}
if ($passed + $failed -eq 0) { $failed = 1; Write-Host 'no test ran' }
"$passed passed, $failed failed" + $(if ($skipped) { ", $skipped skipped" } else { '' })
exit ([int]($failed -gt 0))
