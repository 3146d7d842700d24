# Every example in every help page (docs/en-US/*.md, about_Sebs included) is run here, on the local platform with
# process sandboxes set as session defaults (Connect-SebsPlatform), in a folder holding the files the examples name.
# An example that cannot run here is listed in $skipped with the reason; anything else that throws fails its test.
BeforeDiscovery {
    $docs = Join-Path $PSScriptRoot '../../docs/en-US'
    $examples = foreach ($file in Get-ChildItem $docs -Filter *.md | Sort-Object Name) {
        $text = Get-Content -Raw $file.FullName
        $n = 0
        foreach ($m in [regex]::Matches($text, '(?s)```powershell\r?\n(.*?)```')) {
            $n++
            @{ Id = "$($file.BaseName):$n"; Code = $m.Groups[1].Value }
        }
    }
    # Why an example does not run here. Everything not listed runs.
    $script:skipped = @{
        'Build-SebsImage:1'        = 'builds Docker run images (minutes, needs a Docker engine); Docker tests cover it'
        'Build-SebsImage:2'        = 'builds a Docker run image (needs a Docker engine and a base image)'
        # The AWS examples deploy 110.dynamic-html, whose jinja2 must be pip-installed into the Lambda zip: PyPI is not
        # reachable here, so they cannot run even against tests/infra/fake-aws (Aws.Tests.ps1 runs the same cmdlets on 010.sleep).
        'Connect-SebsPlatform:2'   = 'AWS: 110.dynamic-html needs jinja2 from PyPI in its Lambda zip (no PyPI here); Aws.Tests.ps1 runs these calls'
        'Invoke-SebsBenchmark:5'   = 'AWS: New-SebsConfig writes a config without the fake endpoints, and 110.dynamic-html needs jinja2 from PyPI'
        'Start-SebsExperiment:3'   = 'AWS and a public server address: not reachable from the tests'
        'New-SebsFunction:2'       = 'needs a Docker engine and the run image'
        'Start-SebsStorage:1'      = 'starts MinIO in Docker (needs the image)'
        'Start-SebsStorage:2'      = 'starts MinIO in Docker (needs the image)'
        'Stop-SebsStorage:1'       = 'starts MinIO in Docker (needs the image)'
        'Stop-SebsStorage:2'       = 'stops a MinIO started by Start-SebsStorage (needs the image)'
        'Invoke-SebsRegression:1'  = 'runs the whole suite (many minutes); Analysis.Tests.ps1 runs Invoke-SebsRegression'
        'Start-SebsExperiment:1'   = 'perf-cost with 20 repetitions x 5 concurrent x 2 memory sizes x 4 types (minutes); Experiments.Tests.ps1 runs perf-cost'
        'Start-SebsExperiment:4'   = 'eviction-model waits 1 and 10 s per repetition (over a minute); Experiments.Tests.ps1 runs it'
        'Start-SebsExperiment:5'   = 'builds 1-64 MB code packages (minutes); Experiments.Tests.ps1 runs invocation-overhead'
        'Get-SebsExperimentResult:2' = 'needs a network-ping-pong run (./net); Experiments.Tests.ps1 reads one'
        'Get-SebsExperimentResult:3' = 'needs an invocation-overhead run (./net); Experiments.Tests.ps1 reads one'
        'Update-SebsFunction:2'    = '210.thumbnailer for Node.js needs the sharp package from npm'
        # Clouds and load hosts this machine cannot reach; each platform's own suite runs the same cmdlets against its fake.
        'about_Sebs_Remoting:1'    = 'needs SSH load hosts lab1..lab3 and AWS; Remoting.Tests.ps1 fans out over sshd stand-ins on 127.0.0.1'
        'about_Sebs_Remoting:2'    = 'needs SSH load hosts lab1, lab2; Remoting.Tests.ps1 runs perf-cost bursts over sshd stand-ins'
        'Get-SebsMetrics:3'        = 'Azure: needs a subscription; Azure.Tests.ps1 runs the same against tests/infra/fake-azure'
        'Invoke-SebsBenchmark:6'   = 'GCP: needs a service-account key of a real project; Gcp.Tests.ps1 runs the same against tests/infra/fake-gcp'
        'Invoke-SebsRegression:4'  = 'AWS and a public server address; Aws.Tests.ps1 runs 020/030/040 on the fake with server-address'
    }
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ('sebs-examples-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $work | Out-Null
    $script:previous = Get-Location
    Set-Location $work
    Connect-SebsPlatform -Platform Local -CachePath (Join-Path $work 'cache') -PlatformOption @{ Sandbox = 'Process' } | Out-Null

    # The files and variables the examples name.
    Invoke-SebsBenchmark 110.dynamic-html -Repetitions 3 -ResultsPath ./run.jsonl | Out-Null
    Import-SebsResult ./run.jsonl | Export-SebsResult ./experiments.json
    New-Item -ItemType Directory ./old, ./results, ./perf-cost | Out-Null
    Copy-Item ./run.jsonl ./old/results.jsonl
    Copy-Item ./run.jsonl ./results/run.jsonl
    Copy-Item ./experiments.json ./results/first.json
    Start-SebsExperiment perf-cost -Benchmark 110.dynamic-html -Experiments cold, warm -Memory 128, 256 -Repetitions 2 -Concurrency 1 -BatchPause 0 -OutputPath ./perf | Out-Null
    Copy-Item ./perf/perf-cost/warm_results_256.json ./perf-cost/warm_results_256.json
    @{
        experiments = @{ 'perf-cost' = @{ benchmark = '110.dynamic-html'; experiments = @('warm'); 'input-size' = 'test'; repetitions = 2
                'concurrent-invocations' = 1; 'memory-sizes' = @(128); 'batch-pause' = 0 } }
        deployment  = @{ name = 'local' }
    } | ConvertTo-Json -Depth 5 | Set-Content ./config.json
    $mine = './my-benchmarks/900.mine/999.my-bench'
    New-Item -ItemType Directory "$mine/python" -Force | Out-Null
    '{ "timeout": 10, "memory": 128, "languages": ["python"], "modules": [] }' | Set-Content "$mine/config.json"
    '{ "sizes": { "test": { "n": 1 }, "small": { "n": 1 }, "large": { "n": 1 } } }' | Set-Content "$mine/input.json"
    "def handler(event):`n    return {'result': event.get('n', 0)}`n" | Set-Content "$mine/python/function.py"
    @('latency_ms', 12.5, 13.1, 11.9, 12.2) | Set-Content ./latency.csv
    @('payload_size,invocation_time,is_cold', '1024,0.012,False', '1024,0.014,False', '65536,0.020,False', '65536,0.022,False') | Set-Content ./overhead.csv
    $script:results = Import-SebsResult ./run.jsonl
}

AfterAll {
    Get-SebsFunction | Remove-SebsFunction -Confirm:$false -ErrorAction SilentlyContinue
    Disconnect-SebsPlatform
    Set-Location $previous
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Help example <Id>' -ForEach $examples {
    It 'runs' -Skip:($skipped.ContainsKey($Id)) {
        # Examples change the session (Connect/Disconnect); each starts from the test's defaults.
        Connect-SebsPlatform -Platform Local -CachePath (Join-Path $work 'cache') -PlatformOption @{ Sandbox = 'Process' } | Out-Null
        $ErrorActionPreference = 'Stop'
        $output = . ([scriptblock]::Create($Code)) *>&1 | Out-String -Width 200
        $output | Should -Not -Match 'Options\s+Parent\s+Root' -Because 'objects print as values'
    }
}
