# Load test for Measure-SebsResult: builds N ExecutionResults in Core, pipes them through the cmdlet twice (the first
# pass includes JIT warm-up of PowerShell's pipeline and our accessors) and prints the times and the peak working set.
#   pwsh -NoProfile -File tests/perf/Measure-Statistics.ps1 [-ModulePath out/Sebs/Sebs.psd1] [-Count 1000000]
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../../out/Sebs/Sebs.psd1'),
    [int]$Count = 1000000
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$build = [Diagnostics.Stopwatch]::StartNew()
$results = [Sebs.Core.Results.SyntheticResults]::Create($Count)
$build.Stop()
'{0:N0} results built in {1:N2} s' -f $Count, $build.Elapsed.TotalSeconds

# CPU time is printed beside wall time because on a shared machine the wall time mostly measures the neighbours.
$self = [Diagnostics.Process]::GetCurrentProcess()
foreach ($pass in 'first', 'second') {
    $self.Refresh(); $cpu = $self.TotalProcessorTime
    $measure = [Diagnostics.Stopwatch]::StartNew()
    $summaries = $results | Measure-SebsResult
    $measure.Stop()
    $self.Refresh()
    '{0} pass: piped through Measure-SebsResult in {1:N2} s wall, {2:N2} s CPU ({3} summaries, {4:N0} values)' -f `
        $pass, $measure.Elapsed.TotalSeconds, ($self.TotalProcessorTime - $cpu).TotalSeconds, @($summaries).Count,
        ($summaries | Measure-Object Count -Sum).Sum
}
$self.Refresh(); $cpu = $self.TotalProcessorTime
$measure = [Diagnostics.Stopwatch]::StartNew()
$null = Measure-SebsResult -InputObject $results
$measure.Stop()
$self.Refresh()
'-InputObject (no pipeline): {0:N2} s wall, {1:N2} s CPU' -f $measure.Elapsed.TotalSeconds, ($self.TotalProcessorTime - $cpu).TotalSeconds
$summaries | Format-Table Name, Count, Mean, Median, P99, CI95Low, CI95High -AutoSize | Out-String -Width 160 | Write-Host

$self.Refresh()
'Peak working set: {0:N0} MB' -f ($self.PeakWorkingSet64 / 1MB)
